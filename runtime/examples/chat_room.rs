//! A chat room server: "A minimalistic guide for understanding asyncio in
//! Python" names chat rooms first among asyncio's use cases; none of the
//! guides shows one, so this is one in their style.
//!
//! ```sh
//! cargo run --example chat_room               # on 127.0.0.1:8888, or give an address
//! nc 127.0.0.1 8888                           # in two or more other terminals
//! ```
//!
//! The protocol is lines of text. The server asks for a name, announces
//! `* alice joined` to everyone (the newcomer too), sends each line a
//! member writes to every other member as `alice: text`, and announces
//! `* alice left` when the connection ends. It logs the same events:
//!
//! ```text
//! Chat room open on 127.0.0.1:8888
//! alice joined
//! bob joined
//! alice: hi bob
//! bob left
//! ```
//!
//! The asyncio pieces: one task per client, in an `asyncio.TaskGroup`
//! (`runtime::task::TaskGroup`): stopping the server (cancelling its task,
//! as Ctrl-C does here) cancels every client task with it, and dropping a
//! cancelled task's socket closes the connection. Each client task does two
//! jobs at once with `runtime::try_gather!`: read the member's lines, and
//! write the lines in its outbox, an `asyncio.Queue` (`runtime::sync::Queue`)
//! the others put into; the room itself is a map behind an `asyncio.Lock`.
//!
//! One difference: asyncio's TaskGroup forgets each task when it finishes;
//! this one keeps its handle until the group is joined or dropped, so a
//! server meant for millions of connections would not keep one group for
//! all of them.

use runtime::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use runtime::net::{TcpListener, TcpStream};
use runtime::stream::StreamExt;
use runtime::sync::{Lock, Queue};
use runtime::task::TaskGroup;
use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::sync::Arc;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

/// The lines waiting to be written to one member.
type Outbox = Arc<Queue<String>>;

/// Everyone in the room, by connection number.
#[derive(Default)]
struct Room {
    members: Lock<HashMap<u64, Outbox>>,
}

impl Room {
    async fn join(&self, id: u64, outbox: Outbox) {
        self.members.lock().await.insert(id, outbox);
    }

    async fn leave(&self, id: u64) {
        self.members.lock().await.remove(&id);
    }

    /// Puts `line` into the outbox of every member but `sender`.
    async fn broadcast(&self, sender: Option<u64>, line: &str) {
        for (id, outbox) in self.members.lock().await.iter() {
            if Some(*id) != sender {
                // Unbounded: this fails only for a member who is leaving.
                let _ = outbox.put_nowait(line.to_string());
            }
        }
    }
}

/// Serves one member until their connection ends.
async fn client(out: Console, room: Arc<Room>, id: u64, mut stream: TcpStream) -> io::Result<()> {
    let (reader, mut writer) = stream.split();
    let mut lines = BufReader::new(reader).lines();
    writer.write_all(b"Welcome! What is your name?\n").await?;
    let Some(name) = lines.next().await.transpose()? else {
        return Ok(()); // gone before saying who they are
    };

    let outbox: Outbox = Arc::new(Queue::new(0));
    room.join(id, outbox.clone()).await;
    room.broadcast(None, &format!("* {name} joined")).await;
    out.print(format!("{name} joined"));

    let receive = async {
        while let Some(line) = lines.next().await {
            let message = format!("{name}: {}", line?);
            out.print(&message);
            room.broadcast(Some(id), &message).await;
        }
        outbox.shutdown(true); // they hung up: stop `send` too
        Ok(())
    };
    let send = async {
        while let Ok(line) = outbox.get().await {
            writer.write_all(format!("{line}\n").as_bytes()).await?;
        }
        Ok(())
    };
    let result = runtime::try_gather!(receive, send).await;

    room.leave(id).await;
    room.broadcast(None, &format!("* {name} left")).await;
    out.print(format!("{name} left"));
    result.map(|((), ())| ())
}

/// The server: accepts members on `listener` until its task is cancelled.
pub async fn program(out: Console, listener: TcpListener) -> io::Result<()> {
    out.print(format!("Chat room open on {}", listener.local_addr()?));
    let room = Arc::new(Room::default());
    // async with asyncio.TaskGroup() as clients:
    let clients: TaskGroup<(), Infallible> = TaskGroup::new();
    for id in 0.. {
        let (stream, peer) = listener.accept().await?;
        let (out, room) = (out.clone(), room.clone());
        clients.spawn(async move {
            // A client's failure is theirs alone: it must not end the group.
            if let Err(e) = client(out.clone(), room, id, stream).await {
                out.print(format!("{peer}: {e}"));
            }
            Ok(())
        });
    }
    Ok(())
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8888".into());
    let listener = TcpListener::bind(addr).await?;
    let out = Console::stdout();
    let server = runtime::spawn(program(out.clone(), listener));
    runtime::signal::ctrl_c().await?;
    server.abort(); // and, through the TaskGroup, every client
    out.print("Chat room closed");
    Ok(())
}
