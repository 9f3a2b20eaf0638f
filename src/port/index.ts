export { InPort, type Handler } from './in-port.ts';
export { OutPort } from './out-port.ts';
