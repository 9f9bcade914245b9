//! A throwaway PostgreSQL cluster for tests: [`PgCluster::start`] runs
//! `initdb` into a new temp directory, starts the server on a free
//! loopback port, and its `Drop` stops the server and removes the
//! directory (also when the test panics). Clients over TCP authenticate
//! with a password (SCRAM-SHA-256, PostgreSQL's default), so a test goes
//! through the real handshake; `psql` setup steps use the server's Unix
//! socket in the temp directory, where the cluster trusts local users.
//!
//! ```ignore
//! let pg = tests::PgCluster::start();
//! let url = pg.url(); // postgres://postgres:postgres@127.0.0.1:PORT/postgres
//! let app = pg.create_database("user", "password", "testdb"); // ...@127.0.0.1:PORT/testdb
//! pg.psql("user", "testdb", "CREATE TABLE t (id int)");
//! ```
//!
//! The server binaries are found in `$PG_BIN`, else in Debian's
//! `/usr/lib/postgresql/<version>/bin` (newest version first), else on
//! `PATH`. Without them the test fails, saying how to install them
//! (`apt-get install postgresql`): a database test that skipped silently
//! would pass on a machine where it never ran.
//!
//! PostgreSQL refuses to run as root. When the tests run as root (CI
//! does), `initdb` and the server run as the `postgres` user (which
//! Debian's package creates), else as `nobody`, with the directory
//! handed to that user. The server listens on 127.0.0.1 only, keeps its
//! Unix socket in the temp directory and runs with `fsync=off`: nothing
//! in it outlives the test.

use std::ffi::CString;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The superuser `initdb` creates, the database it connects to, and its
/// password.
const SUPERUSER: &str = "postgres";

/// A running throwaway cluster; stopped and removed on drop.
pub struct PgCluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    /// `Some((uid, gid))` when the server runs as another user (we are root).
    user: Option<(u32, u32)>,
}

impl PgCluster {
    /// Creates and starts a cluster.
    ///
    /// # Panics
    ///
    /// If PostgreSQL is not installed (the message says how to get it), or
    /// if `initdb` or the server fail (the message holds their output).
    pub fn start() -> PgCluster {
        let bin = find_bin_dir();
        let user = if euid() == 0 {
            Some(unprivileged_user())
        } else {
            None
        };
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "runtime-pg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create the cluster's temp directory");
        let mut cluster = PgCluster {
            bin,
            dir,
            port: 0,
            user,
        };
        if let Some((uid, gid)) = user {
            std::os::unix::fs::chown(&cluster.dir, Some(uid), Some(gid))
                .expect("hand the cluster's temp directory to the postgres user");
        }
        cluster.initdb();
        // A free port can be taken by someone else before the server binds
        // it: try a few.
        for attempt in 1.. {
            cluster.port = free_port();
            match cluster.pg_ctl_start() {
                Ok(()) => break,
                Err(report) if attempt == 3 => panic!("{report}"),
                Err(_) => {}
            }
        }
        cluster
    }

    /// The server's port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A URL for the superuser's database:
    /// `postgres://postgres:postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        self.url_for(SUPERUSER, SUPERUSER, SUPERUSER)
    }

    /// A URL for `user` (password `password`) and `database`, over TCP.
    pub fn url_for(&self, user: &str, password: &str, database: &str) -> String {
        format!(
            "postgres://{user}:{password}@127.0.0.1:{}/{database}",
            self.port
        )
    }

    /// The directory of the server's Unix socket (`.s.PGSQL.<port>`), where
    /// local users are trusted.
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }

    /// Creates a login role `user` with `password`, and `database` owned
    /// by it; returns the URL to connect to it as that user.
    pub fn create_database(&self, user: &str, password: &str, database: &str) -> String {
        self.psql(
            SUPERUSER,
            SUPERUSER,
            &format!("CREATE ROLE \"{user}\" LOGIN PASSWORD '{password}'"),
        );
        self.psql(
            SUPERUSER,
            SUPERUSER,
            &format!("CREATE DATABASE \"{database}\" OWNER \"{user}\""),
        );
        self.url_for(user, password, database)
    }

    /// Runs `sql` with `psql` as `user` in `database` (over the Unix
    /// socket, where local users are trusted), for setting up data outside
    /// the code under test; panics with psql's output if it fails.
    pub fn psql(&self, user: &str, database: &str, sql: &str) {
        let mut cmd = self.command("psql");
        cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&self.dir)
            .args(["-p", &self.port.to_string(), "-U", user, "-d", database])
            .args(["-c", sql]);
        check("psql", run(cmd));
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// A command for the binary `name`, run as the cluster's user.
    fn command(&self, name: &str) -> Command {
        let path = self.bin.join(name);
        let mut cmd = Command::new(if path.exists() {
            path
        } else {
            PathBuf::from(name) // psql may live on PATH only
        });
        cmd.current_dir(&self.dir).env_remove("PGDATA");
        if let Some((uid, gid)) = self.user {
            cmd.uid(uid).gid(gid);
        }
        cmd
    }

    fn initdb(&self) {
        let pwfile = self.dir.join("pwfile");
        std::fs::write(&pwfile, SUPERUSER).expect("write the superuser's password file");
        if let Some((uid, gid)) = self.user {
            std::os::unix::fs::chown(&pwfile, Some(uid), Some(gid))
                .expect("hand the password file to the postgres user");
        }
        let mut cmd = self.command("initdb");
        cmd.arg("-D")
            .arg(self.data())
            .args(["-U", SUPERUSER, "-E", "UTF8", "--no-locale", "--no-sync"])
            .args(["--auth-local=trust", "--auth-host=scram-sha-256"])
            .arg(format!("--pwfile={}", pwfile.display()));
        check("initdb", run(cmd));
    }

    /// Starts the server; on failure, pg_ctl's output and the server log.
    fn pg_ctl_start(&self) -> Result<(), String> {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{}' -c fsync=off \
             -c full_page_writes=off -c synchronous_commit=off",
            self.port,
            self.dir.display()
        );
        let mut cmd = self.command("pg_ctl");
        cmd.arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.join("server.log"))
            .args(["-o", &options, "-w", "-t", "60", "start"]);
        let output = run(cmd);
        if output.status.success() {
            return Ok(());
        }
        let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
        Err(format!(
            "PostgreSQL did not start (pg_ctl start: {}):\n{}{}\nserver log:\n{log}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        ))
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if self.port != 0 {
            let mut cmd = self.command("pg_ctl");
            cmd.arg("-D")
                .arg(self.data())
                .args(["-m", "immediate", "-w", "stop"]);
            let _ = run(cmd);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Where `initdb`, `pg_ctl` and `postgres` are; panics saying how to
/// install them if nowhere.
fn find_bin_dir() -> PathBuf {
    search_bin_dir(
        std::env::var_os("PG_BIN").map(PathBuf::from),
        Path::new("/usr/lib/postgresql"),
        std::env::var_os("PATH"),
    )
    .unwrap_or_else(|message| panic!("{message}"))
}

/// `$PG_BIN`, else the newest `<debian>/<version>/bin`, else a directory
/// of `path`: the first that holds the three binaries.
fn search_bin_dir(
    pg_bin: Option<PathBuf>,
    debian: &Path,
    path: Option<std::ffi::OsString>,
) -> Result<PathBuf, String> {
    let has_all = |dir: &Path| {
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|b| dir.join(b).is_file())
    };
    if let Some(dir) = pg_bin {
        return if has_all(&dir) {
            Ok(dir)
        } else {
            Err(format!(
                "PG_BIN={} does not hold initdb, pg_ctl and postgres",
                dir.display()
            ))
        };
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(debian)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, dir)| has_all(dir))
        .collect();
    versions.sort();
    if let Some((_, dir)) = versions.pop() {
        return Ok(dir);
    }
    let on_path = path
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path.into_iter().find(|dir| has_all(dir)).ok_or_else(|| {
        "PostgreSQL is not installed: this test starts a throwaway PostgreSQL server and \
         needs its binaries (initdb, pg_ctl, postgres). Install them with \
         `apt-get install postgresql` (Debian/Ubuntu; any version), or point PG_BIN at the \
         directory that holds them."
            .to_string()
    })
}

/// The effective user id.
fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// The `(uid, gid)` to run PostgreSQL as when we are root: `postgres`,
/// else `nobody`.
fn unprivileged_user() -> (u32, u32) {
    for name in ["postgres", "nobody"] {
        let cname = CString::new(name).unwrap();
        // SAFETY: an all-zero passwd is a valid value of the plain C struct.
        let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
        let mut buf = vec![0 as libc::c_char; 16 * 1024];
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the call: the name is a C
        // string, `entry` and `found` are writable, and `buf` is writable
        // for the length given (getpwnam_r, unlike getpwnam, keeps its
        // strings there, so parallel tests do not race).
        let rc = unsafe {
            libc::getpwnam_r(
                cname.as_ptr(),
                &mut entry,
                buf.as_mut_ptr(),
                buf.len(),
                &mut found,
            )
        };
        if rc == 0 && !found.is_null() {
            return (entry.pw_uid, entry.pw_gid);
        }
    }
    panic!(
        "running as root, and PostgreSQL refuses to: no `postgres` or `nobody` user to run it \
         as (installing PostgreSQL with `apt-get install postgresql` creates `postgres`)"
    );
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().unwrap().port()
}

fn run(mut cmd: Command) -> Output {
    let program = format!("{:?}", cmd.get_program());
    cmd.output()
        .unwrap_or_else(|err| panic!("could not run {program}: {err}"))
}

fn check(what: &str, output: Output) {
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_postgresql_the_message_says_how_to_install_it() {
        let empty = std::env::temp_dir().join(format!("runtime-no-pg-{}", std::process::id()));
        std::fs::create_dir_all(&empty).unwrap();
        let err = search_bin_dir(None, &empty, Some(empty.clone().into_os_string())).unwrap_err();
        std::fs::remove_dir_all(&empty).unwrap();
        assert!(err.contains("PostgreSQL is not installed"), "{err}");
        assert!(err.contains("apt-get install postgresql"), "{err}");
    }

    #[test]
    fn the_newest_debian_version_wins() {
        let root = std::env::temp_dir().join(format!("runtime-fake-pg-{}", std::process::id()));
        for version in ["9", "15", "13"] {
            let bin = root.join(version).join("bin");
            std::fs::create_dir_all(&bin).unwrap();
            for name in ["initdb", "pg_ctl", "postgres"] {
                std::fs::write(bin.join(name), "").unwrap();
            }
        }
        let found = search_bin_dir(None, &root, None);
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(found.unwrap(), root.join("15").join("bin"));
    }
}
