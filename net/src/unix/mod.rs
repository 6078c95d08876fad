//! Unix-domain sockets: `UnixListener`, `UnixStream`, `UnixDatagram`.
