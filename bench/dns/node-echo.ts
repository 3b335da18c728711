/**
 * The ceiling of Node's datagram path on this machine: a node:dgram server that answers every
 * query by sending it back with QR set (no lookup, no answer building). latency-atlas's DNS
 * server pays this per-datagram cost plus its own work; the gap to gdnsd that remains at this
 * ceiling is Node's (one recvmsg and one sendmsg per query, a JS callback and two allocations),
 * not the answer path's. Run as `node --import tsx bench/dns/node-echo.ts PORT`.
 */
import dgram from 'node:dgram';

const port = Number(process.argv[2]);
const socket = dgram.createSocket({
  type: 'udp4',
  recvBufferSize: 4 * 1024 * 1024,
  lookup: (address, _opts, cb) => cb(null, address, 4),
});
socket.on('message', (msg, rinfo) => {
  if (msg.length < 12) return;
  msg[2] = (msg[2] as number) | 0x80;
  socket.send(msg, rinfo.port, rinfo.address);
});
socket.bind(port, '127.0.0.1', () => process.send?.('ready') ?? console.log('ready'));
