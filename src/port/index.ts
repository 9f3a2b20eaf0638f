export { InPort, type Handler, type PacketReceiver } from './in-port.ts';
export { OutPort } from './out-port.ts';
