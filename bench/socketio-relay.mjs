// The load benchmark's do-it-yourself baseline (bench/src/targets/socket_io.rs): a Socket.IO
// room relay, as a shop would write one on Node. Each socket joins the room named in its URL
// (`?room=…`); every `msg` event goes to everyone in the room, the sender's copy being its
// acknowledgement. Started and stopped by `cargo xtask bench load`: `node socketio-relay.mjs PORT`.
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2]);
const http = createServer();
const io = new Server(http, { transports: ["websocket"], serveClient: false });

io.on("connection", (socket) => {
  const room = String(socket.handshake.query.room ?? "");
  socket.join(room);
  socket.on("msg", (text) => io.to(room).emit("msg", text));
});

http.listen(port, "127.0.0.1");
