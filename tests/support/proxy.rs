//! A TCP proxy in front of an emulator that counts the CloudWatch operations going through it
//! and can refuse some of them as AWS would (HTTP 400, a CBOR `AccessDenied` error). The
//! Smithy RPC v2 CBOR protocol names the operation in the request path
//! (`POST /service/GraniteServiceVersion20100801/operation/PutMetricAlarm`), so counting
//! needs no decoding: what is counted is what reached the emulator's port.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

pub const MUTATING: [&str; 5] = [
    "PutMetricAlarm",
    "DeleteAlarms",
    "EnableAlarmActions",
    "DisableAlarmActions",
    "SetAlarmState",
];

#[derive(Clone)]
pub struct Proxy {
    pub url: String,
    counts: Arc<Mutex<HashMap<String, usize>>>,
}

impl Proxy {
    /// Forwards to `upstream` (`http://127.0.0.1:PORT`); `refuse` operations are answered with
    /// AccessDenied instead of being forwarded.
    pub fn start(upstream: &str, refuse: &[&str]) -> Self {
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let counts: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let refuse: Vec<String> = refuse.iter().map(|s| (*s).to_owned()).collect();
        let c = counts.clone();
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (upstream, counts, refuse) = (upstream.clone(), c.clone(), refuse.clone());
                thread::spawn(move || serve(client, &upstream, &counts, &refuse));
            }
        });
        Self { url, counts }
    }

    pub fn count(&self, operation: &str) -> usize {
        self.counts
            .lock()
            .unwrap()
            .get(operation)
            .copied()
            .unwrap_or(0)
    }

    pub fn total(&self) -> usize {
        self.counts.lock().unwrap().values().sum()
    }

    pub fn mutating(&self) -> usize {
        MUTATING.iter().map(|op| self.count(op)).sum()
    }
}

/// The operations named in a chunk of request bytes.
fn operations(chunk: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(chunk);
    text.match_indices("/operation/")
        .map(|(i, m)| {
            text[i + m.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect()
        })
        .collect()
}

/// A CBOR map {"__type": "AccessDenied", "message": "..."} as an HTTP 400 reply.
fn access_denied() -> Vec<u8> {
    fn text(out: &mut Vec<u8>, s: &str) {
        assert!(s.len() < 24, "short CBOR strings only");
        out.push(0x60 + s.len() as u8);
        out.extend_from_slice(s.as_bytes());
    }
    let mut body = vec![0xA2];
    text(&mut body, "__type");
    text(&mut body, "AccessDenied");
    text(&mut body, "message");
    text(&mut body, "not authorized (test)");
    let mut out = format!(
        "HTTP/1.1 400 Bad Request\r\nsmithy-protocol: rpc-v2-cbor\r\n\
         content-type: application/cbor\r\nx-amzn-requestid: proxy-denied\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend(body);
    out
}

fn serve(
    mut client: TcpStream,
    upstream: &str,
    counts: &Mutex<HashMap<String, usize>>,
    refuse: &[String],
) {
    let Ok(mut server) = TcpStream::connect(upstream) else {
        return;
    };
    let (Ok(mut from_server), Ok(mut to_client)) = (server.try_clone(), client.try_clone()) else {
        return;
    };
    let back = thread::spawn(move || {
        let _ = std::io::copy(&mut from_server, &mut to_client);
        let _ = to_client.shutdown(Shutdown::Write);
    });
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = match client.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let ops = operations(&buf[..n]);
        let mut refused = false;
        {
            let mut c = counts.lock().unwrap();
            for op in &ops {
                *c.entry(op.clone()).or_default() += 1;
                refused |= refuse.contains(op);
            }
        }
        if refused {
            let _ = client.write_all(&access_denied());
            let _ = client.shutdown(Shutdown::Both);
            let _ = server.shutdown(Shutdown::Both);
            break;
        }
        if server.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = server.shutdown(Shutdown::Write);
    let _ = back.join();
}
