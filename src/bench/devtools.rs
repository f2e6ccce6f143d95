//! Drives headless Chromium over the DevTools protocol (JSON over a WebSocket, spoken
//! here with std sockets) so that page timings are real time: `--virtual-time-budget`
//! would stop the page's clock whenever a request is open, leaving network waits out.
//! tests/web_browser.rs uses it too, to watch the page update itself.

use anyhow::{Context, bail};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a page may take to show what is waited for (a busy machine is slow).
const WAIT: Duration = Duration::from_secs(60);

/// The Chromium (or Chrome) on this machine, if any.
pub fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success()))
}

/// A headless browser with one page under remote control; killed when dropped.
pub struct Browser {
    child: Child,
    socket: BufReader<TcpStream>,
    next_id: u64,
}

impl Browser {
    /// Starts `program` headless with a fresh profile in `profile`.
    pub fn launch(program: &str, profile: &Path) -> anyhow::Result<Browser> {
        let mut child = Command::new(program)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            .arg("--disable-background-networking")
            .args(["--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900"])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(["--remote-debugging-port=0", "about:blank"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {program}"))?;
        let stderr = child.stderr.take().context("the browser's stderr")?;
        let (tx, rx) = mpsc::channel();
        // Keeps draining stderr so the browser never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("DevTools listening on ws://") {
                    let _ = tx.send(rest.split('/').next().unwrap_or_default().to_owned());
                }
            }
        });
        let mut browser = Browser { child, socket: connect_page(&rx)?, next_id: 0 };
        browser.call("Page.enable", json!({}))?;
        Ok(browser)
    }

    /// Opens `url` and waits (≤ 60 s) until `expression` evaluates to a non-null value.
    pub fn load_and_wait(&mut self, url: &str, expression: &str) -> anyhow::Result<Value> {
        self.call("Page.navigate", json!({ "url": url }))?;
        self.wait_for(expression).with_context(|| format!("loading {url}"))
    }

    /// Waits (≤ 60 s, generous for a busy machine) until `expression`, evaluated in the
    /// page, is not null (or false).
    pub fn wait_for(&mut self, expression: &str) -> anyhow::Result<Value> {
        let deadline = Instant::now() + WAIT;
        loop {
            let result = self.call("Runtime.evaluate", json!({ "expression": expression, "returnByValue": true }))?;
            let value = &result["result"]["value"];
            if !value.is_null() && *value != false {
                return Ok(value.clone());
            }
            if Instant::now() > deadline {
                bail!("{expression} stayed null for {} s", WAIT.as_secs());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Sends one command and returns its result.
    fn call(&mut self, method: &str, params: Value) -> anyhow::Result<Value> {
        self.next_id += 1;
        let id = self.next_id;
        send_text(self.socket.get_mut(), json!({ "id": id, "method": method, "params": params }).to_string())?;
        loop {
            let message: Value = serde_json::from_slice(&read_message(&mut self.socket)?)?;
            if message["id"] == id {
                if let Some(error) = message.get("error") {
                    bail!("{method} failed: {error}");
                }
                return Ok(message["result"].clone());
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for the DevTools address, finds the open page and opens its WebSocket.
fn connect_page(address: &mpsc::Receiver<String>) -> anyhow::Result<BufReader<TcpStream>> {
    let host = address.recv_timeout(WAIT).context("the browser printed no DevTools address")?;
    let addr: SocketAddr = host.parse().with_context(|| format!("DevTools address {host:?}"))?;
    let mut stream = TcpStream::connect(addr)?;
    write!(stream, "GET /json/list HTTP/1.1\r\nHost: {addr}\r\n\r\n")?;
    let (_, body) = read_response(&mut BufReader::new(stream))?;
    let targets: Vec<Value> = serde_json::from_slice(&body)?;
    let url = targets
        .iter()
        .find(|t| t["type"] == "page")
        .and_then(|t| t["webSocketDebuggerUrl"].as_str())
        .context("the browser has no page")?;
    let path = url.splitn(4, '/').nth(3).context("a page WebSocket URL")?;
    let mut socket = BufReader::new(TcpStream::connect(addr)?);
    write!(
        socket.get_mut(),
        "GET /{path} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: YmxvY2twZWVyLWJlbmNoIQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )?;
    let mut line = String::new();
    socket.read_line(&mut line)?;
    if !line.starts_with("HTTP/1.1 101") {
        bail!("the browser refused the WebSocket: {}", line.trim_end());
    }
    while line.trim_end() != "" {
        line.clear();
        socket.read_line(&mut line)?;
    }
    Ok(socket)
}

/// Writes one masked text frame (clients must mask, RFC 6455 §5.3).
fn send_text(stream: &mut TcpStream, text: String) -> std::io::Result<()> {
    const MASK: [u8; 4] = [0x5a, 0x17, 0xc3, 0x8e];
    let len = text.len();
    let mut frame = vec![0x81];
    match len {
        0..126 => frame.push(0x80 | len as u8),
        126..65_536 => {
            frame.push(0x80 | 126);
            frame.extend((len as u16).to_be_bytes());
        }
        _ => {
            frame.push(0x80 | 127);
            frame.extend((len as u64).to_be_bytes());
        }
    }
    frame.extend(MASK);
    frame.extend(text.bytes().enumerate().map(|(i, b)| b ^ MASK[i % 4]));
    stream.write_all(&frame)
}

/// Reads one whole message (joining continuation frames).
fn read_message(socket: &mut BufReader<TcpStream>) -> anyhow::Result<Vec<u8>> {
    let mut message = Vec::new();
    loop {
        let mut head = [0u8; 2];
        socket.read_exact(&mut head)?;
        let mut len = u64::from(head[1] & 0x7f);
        if len == 126 {
            let mut bytes = [0u8; 2];
            socket.read_exact(&mut bytes)?;
            len = u64::from(u16::from_be_bytes(bytes));
        } else if len == 127 {
            let mut bytes = [0u8; 8];
            socket.read_exact(&mut bytes)?;
            len = u64::from_be_bytes(bytes);
        }
        if head[1] & 0x80 != 0 || len > 256 << 20 {
            bail!("unexpected WebSocket frame from the browser");
        }
        let start = message.len();
        socket.by_ref().take(len).read_to_end(&mut message)?;
        if ((message.len() - start) as u64) < len {
            bail!("the browser closed the WebSocket");
        }
        match head[0] & 0x0f {
            0x8 => bail!("the browser closed the WebSocket"),
            0x9 | 0xa => message.truncate(start), // ping / pong: nothing to answer for a short session
            _ if head[0] & 0x80 != 0 => return Ok(message),
            _ => {}
        }
    }
}

/// Reads one HTTP/1.1 response with a `Content-Length`: its status code and body.
pub fn read_response(reader: &mut impl BufRead) -> anyhow::Result<(u16, Vec<u8>)> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status = line.split(' ').nth(1).and_then(|s| s.parse().ok()).context("an HTTP status line")?;
    let mut length = None;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            bail!("the connection closed in the headers");
        }
        let header = line.trim_end().to_ascii_lowercase();
        if header.is_empty() {
            break;
        }
        if let Some(value) = header.strip_prefix("content-length:") {
            length = value.trim().parse::<u64>().ok();
        }
    }
    let mut body = Vec::new();
    reader.take(length.context("a Content-Length")?).read_to_end(&mut body)?;
    Ok((status, body))
}
