"""A port on 127.0.0.1 that records whether anything connected to it: the proof that a refused call sent nothing."""

import socket


class Listener:
    """Listens on 127.0.0.1 without ever answering: the kernel completes any connection, which `connections()`
    then collects with what was sent on it (a request line, an Authorization header, a TLS hello)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]

    def connections(self) -> list[bytes]:
        received = []
        self.sock.settimeout(0.2)
        while True:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                return received
            with conn:
                conn.settimeout(0.2)
                try:
                    received.append(conn.recv(65536))
                except OSError:
                    received.append(b"")

    def close(self) -> None:
        self.sock.close()
