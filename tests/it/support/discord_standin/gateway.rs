//! The stand-in's gateway websocket: HELLO, IDENTIFY (the token must carry
//! the `Bot ` prefix), READY, heartbeat ACKs, RESUME, and dispatches the test
//! pushes through [`super::StandIn::dispatch`].

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::{Shared, BOT_ID, APP_ID, SESSION_ID, TOKEN};

/// What the test side sends down the live connection.
pub enum Outbound {
    Frame(String),
    Close(u16),
}

/// One gateway connection, until either side closes it.
pub async fn session(shared: Arc<Shared>, mut socket: WebSocket) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let conn_id = shared.connections.fetch_add(1, Ordering::SeqCst) + 1;
    *shared.conn.lock().unwrap() = Some((conn_id, tx));
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 5_000}});
    if socket.send(Message::Text(hello.to_string())).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(frame)) = incoming else { break };
                let text = match frame {
                    Message::Text(t) => t,
                    Message::Binary(b) => String::from_utf8_lossy(&b).into_owned(),
                    Message::Close(_) => break,
                    _ => continue,
                };
                let Ok(payload) = serde_json::from_str::<Value>(&text) else { continue };
                match handle(&shared, &payload) {
                    Reply::Frames(frames) => {
                        for f in frames {
                            if socket.send(Message::Text(f)).await.is_err() {
                                break;
                            }
                        }
                    }
                    Reply::Close(code, reason) => {
                        let frame = CloseFrame { code, reason: reason.into() };
                        let _ = socket.send(Message::Close(Some(frame))).await;
                        break;
                    }
                }
            }
            outbound = rx.recv() => match outbound {
                Some(Outbound::Frame(f)) => {
                    if socket.send(Message::Text(f)).await.is_err() {
                        break;
                    }
                }
                Some(Outbound::Close(code)) => {
                    let frame = CloseFrame { code, reason: "stand-in closed the connection".into() };
                    let _ = socket.send(Message::Close(Some(frame))).await;
                    break;
                }
                None => break,
            }
        }
    }
    let mut conn = shared.conn.lock().unwrap();
    if conn.as_ref().is_some_and(|(id, _)| *id == conn_id) {
        *conn = None;
    }
}

enum Reply {
    Frames(Vec<String>),
    Close(u16, &'static str),
}

fn handle(shared: &Shared, payload: &Value) -> Reply {
    let d = &payload["d"];
    match payload["op"].as_u64() {
        Some(1) => Reply::Frames(vec![json!({"op": 11}).to_string()]),
        Some(2) => {
            if shared.faults.gateway_auth_fails.load(Ordering::SeqCst) {
                return Reply::Close(4004, "Authentication failed.");
            }
            if d["token"].as_str() != Some(&format!("Bot {TOKEN}")) {
                shared.fail("IDENTIFY without the `Bot ` token".into());
                return Reply::Close(4004, "Authentication failed.");
            }
            shared.identifies.fetch_add(1, Ordering::SeqCst);
            let seq = shared.seq.fetch_add(1, Ordering::SeqCst) + 1;
            let ready = json!({
                "op": 0, "t": "READY", "s": seq,
                "d": {
                    "v": 10,
                    "user": {"id": BOT_ID.to_string(), "username": "chipbot", "discriminator": "0", "bot": true, "avatar": null, "global_name": null},
                    "guilds": [],
                    "session_id": SESSION_ID,
                    "resume_gateway_url": shared.ws_url(),
                    "application": {"id": APP_ID.to_string(), "flags": 0},
                }
            });
            Reply::Frames(vec![ready.to_string()])
        }
        Some(6) => {
            if d["session_id"].as_str() != Some(SESSION_ID) || d["token"].as_str() != Some(&format!("Bot {TOKEN}")) {
                shared.fail(format!("bad RESUME: {d}"));
                return Reply::Frames(vec![json!({"op": 9, "d": false}).to_string()]);
            }
            shared.resumes.fetch_add(1, Ordering::SeqCst);
            let seq = shared.seq.load(Ordering::SeqCst);
            Reply::Frames(vec![json!({"op": 0, "t": "RESUMED", "s": seq, "d": {}}).to_string()])
        }
        _ => Reply::Frames(Vec::new()),
    }
}
