//! TCP: `TcpListener`, `TcpStream`, `TcpSocket`, and the split halves.
