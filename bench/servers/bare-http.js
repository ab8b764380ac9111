// The machine's ceiling for a Node HTTP server: node:http answering a fixed JSON body.
const { createServer } = require('node:http');

const body = JSON.stringify({ active: true, scope: 'orders:read', client_id: 'bench-a' });
createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
}).listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('ready\n'));
