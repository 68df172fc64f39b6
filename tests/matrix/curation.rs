//! Curation in an encrypted Matrix room: a member pastes a link, the bot
//! previews it, the member's own `!approve` is refused, an admin approves,
//! and the next question cites the new report by its real title,
//! publisher and date; a PDF sent with the caption `!add` is decrypted and
//! queued. The page is served by a loopback web server.

use axum::http::header;
use axum::routing::get;
use axum::Router;
use matrix_sdk::ruma::events::room::member::MembershipState;

use super::{body, login, Harness, JOIN_WAIT, REPLY_WAIT};

const PAGE: &str = r#"<html><head><title>Quartz Fab Daily | Zephyr Foundry fills its 2nm line</title>
<meta property="og:site_name" content="Quartz Fab Daily">
<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2026-04-22T07:30:00Z"}</script>
</head><body><nav>Home | Foundry | Memory | Subscribe</nav><article>
<p>Zephyr Foundry, a fictional foundry used in this test, said its 2nm line ran at 94% utilisation in the first quarter of 2026, as orders from accelerator designers filled every slot it had opened in January.</p>
<p>The company plans to add 15,000 wafers a month of 2nm capacity by the end of 2027 and expects advanced-node revenue to rise about 45% this year, helped by two customers that moved their designs from another foundry.</p>
<p>Executives said the packaging lines that sit next to the fab will double in size by the middle of next year, and that they see no sign yet of the slowdown some analysts predicted for the second half.</p>
</article><footer>Share | Privacy | Terms</footer></body></html>"#;

async fn site() -> String {
    let app = Router::new().route("/zephyr-2nm", get(|| async { ([(header::CONTENT_TYPE, "text/html")], PAGE) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    format!("http://{addr}/zephyr-2nm")
}

pub async fn a_pasted_link_is_approved_by_an_admin_and_cited_in_an_encrypted_room(h: &mut Harness) {
    let url = site().await;
    let scene = super::scene(h, "mini", |s| {
        s.curation.allow_private_addresses = true;
        s.admins.matrix_users = vec!["@admin*:localhost".into()];
        s.matrix.allowed_inviters = vec!["@alice*:localhost".into()];
    })
    .await;
    let alice = login(h, "alice").await;
    let admin = login(h, "admin").await;
    let room = alice.create_room(true, &[&h.bot_id, &admin.user_id]).await;
    alice.wait_membership(&room, &h.bot_id, MembershipState::Join, JOIN_WAIT).await;
    admin.join(&room).await;
    alice.wait_membership(&room, &admin.user_id, MembershipState::Join, JOIN_WAIT).await;

    let q = alice.send(&room, &format!("!add {url} for the foundry notes")).await;
    let preview = body(&alice.wait_reply(&room, &h.bot_id, &q, REPLY_WAIT).await);
    assert!(preview.contains("Queued as item 1") && preview.contains("Zephyr Foundry fills its 2nm line") && preview.contains("Quartz Fab Daily"), "{preview}");
    let q = alice.send(&room, "!approve 1").await;
    let refused = body(&alice.wait_reply(&room, &h.bot_id, &q, REPLY_WAIT).await);
    assert!(refused.contains("only chipbot admins"), "{refused}");
    let q = admin.send(&room, "!approve 1").await;
    let approved = body(&admin.wait_reply(&room, &h.bot_id, &q, REPLY_WAIT).await);
    assert!(approved.contains("can be cited now"), "{approved}");
    let q = alice.send(&room, "!ask Zephyr Foundry 2nm utilisation in Q1 2026").await;
    let answer = body(&alice.wait_reply(&room, &h.bot_id, &q, REPLY_WAIT).await);
    assert!(answer.contains("94%") && answer.contains("Quartz Fab Daily") && answer.contains("2026-04-22"), "{answer}");

    // A PDF sent with the caption `!add`, decrypted by the bot.
    let pdf = super::common::fuzz::targets::pdf(&["Zephyr Packaging broker note".into(), "Hybrid bonding lines double in 2027.".into()]);
    let q = alice.send_file(&room, "broker-note.pdf", &mime::APPLICATION_PDF, pdf, "!add from a broker call").await;
    let preview = body(&alice.wait_reply(&room, &h.bot_id, &q, REPLY_WAIT).await);
    assert!(preview.contains("Queued as item 2") && preview.contains("Zephyr Packaging broker note"), "{preview}");
    scene.bot.stop().await;
}
