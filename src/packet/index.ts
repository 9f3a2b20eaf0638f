export { Packet, type Reply } from './packet.ts';
export { mergePackets } from './merge.ts';
