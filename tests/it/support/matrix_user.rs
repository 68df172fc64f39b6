//! A person in the room, for the Matrix tests: a second matrix-sdk client
//! (with its own crypto, so it encrypts in encrypted rooms) that creates
//! rooms, invites the bot, sends questions and records everything it sees,
//! decrypted, exactly as a person's client would show it.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::api::client::room::create_room::v3::Request as CreateRoom;
use matrix_sdk::ruma::events::room::encryption::RoomEncryptionEventContent;
use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::events::room::message::{
    OriginalSyncRoomMessageEvent, ReplyWithinThread, AddMentions, RoomMessageEventContent,
};
use matrix_sdk::ruma::events::{InitialStateEvent, Mentions};
use matrix_sdk::ruma::serde::Raw;
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId, RoomId, UserId};
use matrix_sdk::Client;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// A message the user's client saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub room_id: OwnedRoomId,
    pub event: OriginalSyncRoomMessageEvent,
    /// The event as JSON, for assertions on the wire format.
    pub json: serde_json::Value,
}

/// A logged-in test user with a background sync loop.
pub struct User {
    pub client: Client,
    pub user_id: OwnedUserId,
    seen: Arc<Mutex<Vec<Seen>>>,
    arrived: Arc<Notify>,
    stop: CancellationToken,
}

impl User {
    /// Logs in and starts syncing.
    pub async fn login(url: &str, name: &str, password: &str) -> User {
        let client = Client::builder().homeserver_url(url).build().await.expect("client builds");
        client.matrix_auth().login_username(name, password).send().await.expect("user logs in");
        let user_id = client.user_id().expect("logged in").to_owned();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let arrived = Arc::new(Notify::new());
        let (log, notify) = (seen.clone(), arrived.clone());
        client.add_event_handler(move |event: OriginalSyncRoomMessageEvent, room: matrix_sdk::Room| {
            let (log, notify) = (log.clone(), notify.clone());
            async move {
                let json = serde_json::to_value(&event.content).unwrap_or_default();
                log.lock().expect("lock").push(Seen { room_id: room.room_id().to_owned(), event, json });
                notify.notify_waiters();
            }
        });
        client.sync_once(SyncSettings::default()).await.expect("first sync");
        let stop = CancellationToken::new();
        tokio::spawn(sync_forever(client.clone(), stop.clone()));
        User { client, user_id, seen, arrived, stop }
    }

    /// Creates a room (encrypted or not) and invites `invite`.
    pub async fn create_room(&self, encrypted: bool, invite: &[&UserId]) -> OwnedRoomId {
        let mut request = CreateRoom::new();
        request.invite = invite.iter().map(|u| (*u).to_owned()).collect();
        if encrypted {
            let event = InitialStateEvent::with_empty_state_key(RoomEncryptionEventContent::with_recommended_defaults());
            request.initial_state = vec![Raw::new(&event).expect("serialises").cast()];
        }
        let room = self.client.create_room(request).await.expect("room created");
        room.room_id().to_owned()
    }

    /// Sends a file with a caption (encrypted in an encrypted room) and
    /// returns its event ID.
    pub async fn send_file(&self, room_id: &RoomId, name: &str, content_type: &mime::Mime, bytes: Vec<u8>, caption: &str) -> OwnedEventId {
        use matrix_sdk::ruma::events::room::message::TextMessageEventContent;
        let config = matrix_sdk::attachment::AttachmentConfig::new().caption(Some(TextMessageEventContent::plain(caption)));
        self.room(room_id).await.send_attachment(name, content_type, bytes, config).await.expect("file sent").event_id
    }

    /// Joins a room this user was invited to.
    pub async fn join(&self, room_id: &RoomId) {
        self.client.join_room_by_id(room_id).await.expect("joined");
    }

    /// Invites `user` to an existing room.
    pub async fn invite(&self, room_id: &RoomId, user: &UserId) {
        self.room(room_id).await.invite_user_by_id(user).await.expect("invite sent");
    }

    /// Sends a text message and returns its event ID.
    pub async fn send(&self, room_id: &RoomId, text: &str) -> OwnedEventId {
        let content = RoomMessageEventContent::text_plain(text);
        self.room(room_id).await.send(content).await.expect("message sent").response.event_id
    }

    /// Sends an `m.notice` (what bots send) and returns its event ID.
    pub async fn send_notice(&self, room_id: &RoomId, text: &str) -> OwnedEventId {
        let content = RoomMessageEventContent::notice_plain(text);
        self.room(room_id).await.send(content).await.expect("notice sent").response.event_id
    }

    /// Sends an event of any type with raw JSON content.
    pub async fn send_raw(&self, room_id: &RoomId, event_type: &str, content: serde_json::Value) -> OwnedEventId {
        self.room(room_id).await.send_raw(event_type, content).await.expect("raw event sent").response.event_id
    }

    /// Sends a text message in the thread rooted at `root`.
    pub async fn send_in_thread(&self, room_id: &RoomId, root: &OwnedEventId, text: &str) -> OwnedEventId {
        let metadata = matrix_sdk::ruma::events::room::message::ReplyMetadata::new(root, &self.user_id, None);
        let content = RoomMessageEventContent::text_plain(text)
            .add_mentions(Mentions::new())
            .make_for_thread(metadata, ReplyWithinThread::No, AddMentions::No);
        self.room(room_id).await.send(content).await.expect("thread message sent").response.event_id
    }

    /// Waits until `user`'s membership in the room is `state`.
    pub async fn wait_membership(&self, room_id: &RoomId, user: &UserId, state: MembershipState, within: Duration) {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(room) = self.client.get_room(room_id) {
                if let Ok(Some(member)) = room.get_member_no_sync(user).await {
                    if *member.membership() == state {
                        return;
                    }
                }
            }
            assert!(tokio::time::Instant::now() < deadline, "{user} did not reach {state:?} in {room_id}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Messages from `sender` in `room_id` seen so far.
    pub fn messages_from(&self, room_id: &RoomId, sender: &UserId) -> Vec<Seen> {
        let seen = self.seen.lock().expect("lock");
        seen.iter().filter(|s| s.room_id == room_id && s.event.sender == sender).cloned().collect()
    }

    /// Waits for a message from `sender` in `room_id` that replies to `to`.
    pub async fn wait_reply(&self, room_id: &RoomId, sender: &UserId, to: &OwnedEventId, within: Duration) -> Seen {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let notified = self.arrived.notified();
            if let Some(found) = self.replies_to(room_id, sender, to).into_iter().next() {
                return found;
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            assert!(!left.is_zero(), "no reply from {sender} to {to} within {within:?}");
            let _ = tokio::time::timeout(left.min(Duration::from_millis(250)), notified).await;
        }
    }

    /// Every message from `sender` in `room_id` that replies to `to`.
    pub fn replies_to(&self, room_id: &RoomId, sender: &UserId, to: &OwnedEventId) -> Vec<Seen> {
        self.messages_from(room_id, sender)
            .into_iter()
            .filter(|s| in_reply_to(&s.json).as_deref() == Some(to.as_str()))
            .collect()
    }

    async fn room(&self, room_id: &RoomId) -> matrix_sdk::Room {
        for _ in 0..100 {
            if let Some(room) = self.client.get_room(room_id) {
                return room;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("room {room_id} unknown to {}", self.user_id);
    }
}

impl Drop for User {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// The event a message replies to, from `m.relates_to`.
pub fn in_reply_to(content: &serde_json::Value) -> Option<String> {
    content["m.relates_to"]["m.in_reply_to"]["event_id"].as_str().map(str::to_string)
}

/// Syncs until stopped, riding out homeserver restarts.
async fn sync_forever(client: Client, stop: CancellationToken) {
    let settings = SyncSettings::default().timeout(Duration::from_secs(10));
    loop {
        tokio::select! {
            result = client.sync_once(settings.clone()) => {
                if result.is_err() {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
            () = stop.cancelled() => return,
        }
    }
}
