//! A tiny HTTP/1.1 server on 127.0.0.1 that answers canned replies by path and
//! query, records what it was asked, and stops when dropped.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// One canned answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: &'static str,
    /// Extra headers, such as `Location`.
    pub headers: Vec<(String, String)>,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Send `Content-Length`; without it the body ends when the connection closes.
    pub content_length: bool,
}

impl Reply {
    /// A 200 with this JSON text.
    pub fn json(body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            body: body.into(),
            content_type: "application/json",
            headers: Vec::new(),
            delay: Duration::ZERO,
            content_length: true,
        }
    }

    /// A 200 web page.
    pub fn html(body: &str) -> Reply {
        Reply {
            content_type: "text/html; charset=utf-8",
            ..Reply::json(body)
        }
    }

    /// A 200 with the file `tests/fixtures/{name}`.
    pub fn fixture(name: &str) -> Reply {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Reply::json(body)
    }

    /// This status with a small JSON body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            ..Reply::json(r#"{"error":"canned"}"#)
        }
    }

    /// A 302 to `location`.
    pub fn redirect(location: &str) -> Reply {
        Reply {
            headers: vec![("Location".into(), location.into())],
            ..Reply::status(302)
        }
    }

    pub fn after(self, delay: Duration) -> Reply {
        Reply { delay, ..self }
    }

    pub fn without_length(self) -> Reply {
        Reply {
            content_length: false,
            ..self
        }
    }
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Request {
    /// Path and query, as sent: `/services?page=1&per_page=100`.
    pub target: String,
    /// The request line and headers.
    pub head: String,
}

type Handler = dyn Fn(&str) -> Reply + Send + Sync;

/// The server; it stops, and waits for its threads, when dropped.
pub struct Server {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves each request with `handler(target)`.
    pub fn start(handler: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let accept = {
            let requests = Arc::clone(&requests);
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                let mut connections = Vec::new();
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (requests, stop, handler) = (
                        Arc::clone(&requests),
                        Arc::clone(&stop),
                        Arc::clone(&handler),
                    );
                    connections.push(thread::spawn(move || {
                        serve(stream, &requests, &stop, &*handler);
                    }));
                }
                for connection in connections {
                    let _ = connection.join();
                }
            })
        };
        Server {
            addr,
            requests,
            stop,
            accept: Some(accept),
        }
    }

    /// Serves the listed targets; anything else is a 404.
    pub fn routes(routes: Vec<(&str, Reply)>) -> Server {
        let routes: Vec<(String, Reply)> =
            routes.into_iter().map(|(t, r)| (t.to_owned(), r)).collect();
        Server::start(move |target| {
            routes
                .iter()
                .find(|(t, _)| t == target)
                .map_or_else(|| Reply::status(404), |(_, r)| r.clone())
        })
    }

    /// The recorded HSDS 3 feed of three pages of two services (`per_page=2`).
    pub fn hsds_three_pages() -> Server {
        Server::routes(vec![
            (
                "/services?page=1&per_page=2",
                Reply::fixture("hsds_page1.json"),
            ),
            (
                "/services?page=2&per_page=2",
                Reply::fixture("hsds_page2.json"),
            ),
            (
                "/services?page=3&per_page=2",
                Reply::fixture("hsds_page3.json"),
            ),
        ])
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The targets requested so far, in order.
    pub fn targets(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.target).collect()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// Answers one connection (one request: every reply closes the connection).
fn serve(stream: TcpStream, requests: &Mutex<Vec<Request>>, stop: &AtomicBool, handler: &Handler) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return, // closed before a full request (the wake-up call)
            Ok(_) => {}
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let target = head.split(' ').nth(1).unwrap_or_default().to_owned();
    requests.lock().unwrap().push(Request {
        target: target.clone(),
        head,
    });

    let reply = handler(&target);
    let until = Instant::now() + reply.delay;
    while Instant::now() < until {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        thread::sleep(Duration::from_millis(10));
    }

    let mut out = format!(
        "HTTP/1.1 {} Canned\r\nContent-Type: {}\r\nConnection: close\r\n",
        reply.status, reply.content_type
    );
    if reply.content_length {
        out.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut stream = &stream;
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.write_all(&reply.body);
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
}
