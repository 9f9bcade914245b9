//! Unix-domain stream sockets: asyncio's `start_unix_server` and
//! `open_unix_connection`.

mod listener;
mod stream;

pub use listener::UnixListener;
pub use stream::UnixStream;
