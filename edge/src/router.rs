//! The Worker's front door: matches a route, authenticates, and hands the request to the
//! right Durable Object. No business rule lives here.

use worker::{Env, Headers, Method, Request, RequestInit, Response};

use crate::accounts::{self, NewSession};
use crate::clock::now;
use crate::conversation_room::{room_stub, RoomRequest};
use crate::crypto;
use crate::dev_clock;
use crate::dev_counters;
use crate::dev_history;
use crate::dev_queue;
use crate::dev_seed;
use crate::development::is_development;
use crate::error::{EdgeError, EdgeResult};
use crate::http::{csv_attachment, is_websocket_upgrade, json, read_json, require_json, shopper_locale};
use crate::operator;
use crate::pages;
use crate::rate_limiter;
use crate::rpc::{self, Object, AGENT_HEADER};
use crate::session::{authenticate, authenticate_watching, same_origin, SessionCookie};
use crate::sessions::SignedIn;
use crate::shop_desk::{desk_stub, open_shop, shop_profile, DeskRequest, ShopProfile};
use crate::shop_history::{self, HistoryRequest};
use crate::shop_widget::{self, public_shop};
use crate::signup;
use crate::static_files;
use crate::team_links;
use parley_core::canned::CannedAnswer;
use parley_core::client_address::rate_limit_key;
use parley_core::color::Rgb;
use parley_core::conversation::Conversation;
use parley_core::erasure::Erased;
use parley_core::error::ConversationError;
use parley_core::history::{HistoryEntry, HistoryPage, HistoryQuery, NewShopperNote, ShopperNote};
use parley_core::ids::{ConversationId, DeviceId, ShopId};
use parley_core::metrics::MetricsReport;
use parley_core::metrics_export::metrics_csv;
use parley_core::protocol::WebhookTestResult;
use parley_core::protocol::{AcceptInvite, Invite, LinkToken, NamedMember, PasswordChange, PasswordReset, RoleChange};
use parley_core::protocol::{AgentProfile, ConversationTicket, ErrorCode, LoginRequest, NewConversation, Role};
use parley_core::protocol::{ApiError, DeadLetters, InstallReport, Signup, SignupModeView, TeamMember, VerifiedUser};
use parley_core::rate_limit::Action;
use parley_core::signature::{verify_identity, IdentityError};
use parley_core::team::LinkPurpose;
use parley_core::time::UnixMillis;
use parley_core::utc_date;
use parley_core::validation;

pub async fn route(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let url = req.url()?;
    let segments: Vec<String> = url.path_segments().map(|s| s.map(str::to_owned).collect()).unwrap_or_default();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let dev = is_development(env);
    let secure = url.scheme() == "https";
    let origin = url.origin().ascii_serialization();
    // Whatever changes something, and every socket, comes from the edge's own pages (or from no
    // browser at all): another site's page must not act with an agent's cookie.
    if !matches!(req.method(), Method::Get | Method::Head) || is_websocket_upgrade(&req) {
        same_origin(&req, &url)?;
    }
    match (req.method(), segments.as_slice()) {
        (Method::Get, ["healthz"]) => Ok(Response::ok("ok")?),
        (Method::Get, ["widget.js"] | ["assets", _, _]) => static_files::serve(&req, env, url.path()).await,
        (Method::Get, ["w", shop]) => {
            pages::widget_page(&public_shop(env, &origin, &ShopId::parse(shop)?).await?, shopper_locale(&req, &url))
        }
        // The console is one app: its sign-up, join and reset pages are its own.
        (Method::Get, ["console"] | ["console", "signup" | "join" | "reset"]) => pages::console_page(),
        (Method::Get, ["demo"]) if dev => Ok(Response::redirect(url.join("/demo/")?)?),
        (Method::Get, ["demo", name]) if dev && name.ends_with(".js") => {
            let script = parley_demo::script(name).ok_or_else(EdgeError::not_found)?;
            let response = Response::ok(script)?;
            response.headers().set("content-type", "text/javascript; charset=utf-8")?;
            Ok(response)
        }
        (Method::Get, ["demo", path]) if dev => {
            // Another shop's widget on the demo pages, when asked for (`?shop=`).
            let shop = url.query_pairs().find(|(key, _)| key == "shop").map(|(_, shop)| shop.into_owned());
            let shop = ShopId::parse(shop.as_deref().unwrap_or(parley_demo::SHOP))?;
            let page = parley_demo::page(path, &url.origin().ascii_serialization(), shop.as_str())
                .ok_or_else(EdgeError::not_found)?;
            let response = Response::from_html(page.html)?;
            response.headers().set("content-security-policy", &page.content_security_policy)?;
            Ok(response)
        }
        (Method::Post, ["api", "shops", shop, "conversations"]) => {
            let shop = ShopId::parse(shop)?;
            let body: NewConversation = read_json(&mut req).await?;
            let client = client_key(&req, dev);
            rate_limiter::count(env, &shop, &client, Action::NewConversation).await?;
            rate_limiter::count(env, &shop, &client, Action::ShopNewConversation).await?;
            create_conversation(env, shop, body).await
        }
        (Method::Get, ["api", "shops", shop, "launcher"]) => {
            launcher(&req, env, &url, &origin, &ShopId::parse(shop)?).await
        }
        (Method::Get, ["api", "shops", shop, "widget"]) => {
            shop_widget::serve_view(env, &origin, &ShopId::parse(shop)?).await
        }
        (Method::Get, ["api", "conversations", id, "ws"]) => {
            let id = ConversationId::parse(id)?;
            // Shoppers have no session; an agent's session is passed on when present and valid.
            let agent = authenticate_watching(&req, env, &id).await.ok();
            forward_websocket(&req, room_stub(env, &id)?, agent).await
        }
        (Method::Get, ["api", "desk", "ws"]) => {
            let signed_in = authenticate(&req, env).await?;
            let desk = desk_stub(env, &signed_in.agent.shop)?;
            forward_websocket(&req, desk, Some(signed_in)).await
        }
        (Method::Post, ["api", "login"]) => {
            let body: LoginRequest = read_json(&mut req).await?;
            let signed_in = accounts::sign_in(env, &body.email, &body.password, &client_key(&req, dev)).await?;
            signed_in_response(signed_in, 200, secure)
        }
        (Method::Get, ["api", "signup"]) => Ok(json(&SignupModeView { mode: signup::mode(env) }, 200)?),
        (Method::Post, ["api", "signup"]) => {
            let body: Signup = read_json(&mut req).await?;
            let signed_in = signup::sign_up(env, body, &client_key(&req, dev)).await?;
            signed_in_response(signed_in, 201, secure)
        }
        (Method::Get, ["api", "operator", "shops"]) => {
            operator::authenticate(&req, env, &client_key(&req, dev)).await?;
            Ok(json(&operator::shops(env).await?, 200)?)
        }
        (Method::Post, ["api", "operator", "shops"]) => {
            operator::authenticate(&req, env, &client_key(&req, dev)).await?;
            let created = operator::create(env, read_json(&mut req).await?, &origin).await?;
            Ok(json(&created, 201)?)
        }
        (Method::Post, ["api", "operator", "shops", shop, "disabled"]) => {
            operator::authenticate(&req, env, &client_key(&req, dev)).await?;
            let DisabledRequest { disabled } = read_json(&mut req).await?;
            let shop = ShopId::parse(shop)?;
            operator::set_disabled(env, &shop, disabled).await?;
            shop_widget::forget(&origin, &shop).await;
            no_content()
        }
        (Method::Post, ["api", "operator", "codes"]) => {
            operator::authenticate(&req, env, &client_key(&req, dev)).await?;
            Ok(json(&operator::issue_code(env, read_json(&mut req).await?).await?, 201)?)
        }
        (Method::Get, ["api", "shops", shop, "team"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Agent).await?;
            let team: Vec<TeamMember> = rpc::call(&desk_stub(env, &agent.shop)?, &DeskRequest::Team).await?;
            Ok(json(&team, 200)?)
        }
        (Method::Patch, ["api", "shops", shop, "team"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Owner).await?;
            let RoleChange { email, role } = read_json(&mut req).await?;
            let changed: AgentProfile =
                rpc::call(&desk_stub(env, &agent.shop)?, &DeskRequest::SetRole { email, role }).await?;
            Ok(json(&changed, 200)?)
        }
        (Method::Post, ["api", "shops", shop, "invites"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Owner).await?;
            let Invite { email, role } = read_json(&mut req).await?;
            let purpose = LinkPurpose::Invite { role };
            Ok(json(&team_links::issue(env, &origin, &agent.shop, email, purpose).await?, 201)?)
        }
        (Method::Post, ["api", "shops", shop, "team", "removals"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Owner).await?;
            let NamedMember { email } = read_json(&mut req).await?;
            rpc::call::<_, serde_json::Value>(
                &desk_stub(env, &agent.shop)?,
                &DeskRequest::RemoveMember { email: email.clone() },
            )
            .await?;
            accounts::remove(env, &email).await?;
            no_content()
        }
        (Method::Post, ["api", "shops", shop, "team", "resets"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Owner).await?;
            let NamedMember { email } = read_json(&mut req).await?;
            let link = team_links::issue(env, &origin, &agent.shop, email, LinkPurpose::PasswordReset).await?;
            Ok(json(&link, 201)?)
        }
        (Method::Post, ["api", "links", "check"]) => {
            let LinkToken { shop, token } = read_json(&mut req).await?;
            Ok(json(&team_links::check(env, &shop, token).await?, 200)?)
        }
        (Method::Post, ["api", "invites", "accept"]) => {
            let AcceptInvite { shop, token, name, password } = read_json(&mut req).await?;
            signed_in_response(team_links::accept_invite(env, &shop, token, &name, &password).await?, 201, secure)
        }
        (Method::Post, ["api", "password-resets"]) => {
            let PasswordReset { shop, token, password } = read_json(&mut req).await?;
            team_links::reset_password(env, &shop, token, &password).await?;
            no_content()
        }
        (Method::Post, ["api", "password"]) => {
            let signed_in = authenticate(&req, env).await?;
            let PasswordChange { current, new } = read_json(&mut req).await?;
            accounts::change_password(env, &signed_in.agent.email, &current, &new).await?;
            // Changing one's password ends one's other sessions: whoever knew the old one is out.
            let others = DeskRequest::EndSessions { email: signed_in.agent.email, except: Some(signed_in.session) };
            rpc::call::<_, serde_json::Value>(&desk_stub(env, &signed_in.agent.shop)?, &others).await?;
            no_content()
        }
        (Method::Post, ["api", "logout", "everywhere"]) => {
            let signed_in = authenticate(&req, env).await?;
            let all = DeskRequest::EndSessions { email: signed_in.agent.email, except: None };
            rpc::call::<_, serde_json::Value>(&desk_stub(env, &signed_in.agent.shop)?, &all).await?;
            signed_out(secure)
        }
        (Method::Get, ["api", "shops", shop, "metrics"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Agent).await?;
            let (from, to) = metrics_window(&url)?;
            let desk = desk_stub(env, &agent.shop)?;
            let report: MetricsReport = rpc::call(&desk, &DeskRequest::Metrics { from, to }).await?;
            Ok(json(&report, 200)?)
        }
        (Method::Get, ["api", "shops", shop, "exports", export @ ("metrics.csv" | "conversations.csv")]) => {
            // Owners only: the exports hold every conversation's record; and each reads up to
            // 93 days of it, so a few a minute.
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Owner).await?;
            let (from, to) = metrics_window(&url)?;
            rate_limiter::count(env, &agent.shop, &client_key(&req, dev), Action::Export).await?;
            let desk = desk_stub(env, &agent.shop)?;
            let csv = if *export == "metrics.csv" {
                metrics_csv(&rpc::call::<_, MetricsReport>(&desk, &DeskRequest::Metrics { from, to }).await?)
            } else {
                rpc::call(&desk, &DeskRequest::ConversationsExport { from, to }).await?
            };
            let (from, to) = (utc_date::date(from), utc_date::date(to));
            Ok(csv_attachment(csv, &format!("parley-{}-{from}-{to}-{export}", agent.shop))?)
        }
        (Method::Get, ["api", "shops", shop, "settings"]) => {
            // Owners only: the settings hold the webhook's signing secret.
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Owner).await?;
            Ok(json(&shop_profile(env, &agent.shop).await?.settings, 200)?)
        }
        (Method::Put | Method::Patch, ["api", "shops", shop, "settings"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Owner).await?;
            let request = match req.method() {
                Method::Put => DeskRequest::UpdateSettings { settings: read_json(&mut req).await? },
                _ => DeskRequest::PatchSettings { patch: read_json(&mut req).await? },
            };
            let profile: ShopProfile = rpc::call(&desk_stub(env, &agent.shop)?, &request).await?;
            shop_widget::forget(&origin, &agent.shop).await;
            Ok(json(&profile.settings, 200)?)
        }
        (Method::Get, ["api", "shops", shop, "canned-answers"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Agent).await?;
            let answers: Vec<CannedAnswer> =
                rpc::call(&desk_stub(env, &agent.shop)?, &DeskRequest::CannedAnswers).await?;
            Ok(json(&answers, 200)?)
        }
        (Method::Post, ["api", "shops", shop, "canned-answers"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Owner).await?;
            let save = DeskRequest::SaveCanned { id: None, draft: read_json(&mut req).await? };
            let created: CannedAnswer = rpc::call(&desk_stub(env, &agent.shop)?, &save).await?;
            Ok(json(&created, 201)?)
        }
        (Method::Put, ["api", "shops", shop, "canned-answers", id]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Owner).await?;
            let save = DeskRequest::SaveCanned { id: Some((*id).to_owned()), draft: read_json(&mut req).await? };
            let saved: CannedAnswer = rpc::call(&desk_stub(env, &agent.shop)?, &save).await?;
            Ok(json(&saved, 200)?)
        }
        (Method::Delete, ["api", "shops", shop, "canned-answers", id]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Owner).await?;
            let delete = DeskRequest::DeleteCanned { id: (*id).to_owned() };
            rpc::call::<_, serde_json::Value>(&desk_stub(env, &agent.shop)?, &delete).await?;
            no_content()
        }
        (Method::Post, ["api", "shops", shop, "canned-answers", id, "uses"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Agent).await?;
            let used = DeskRequest::CannedUsed { id: (*id).to_owned() };
            rpc::call::<_, serde_json::Value>(&desk_stub(env, &agent.shop)?, &used).await?;
            no_content()
        }
        (Method::Get, ["api", "shops", shop, "conversations"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Agent).await?;
            rate_limiter::count(env, &agent.shop, &client_key(&req, dev), Action::Search).await?;
            let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            let query = HistoryQuery::from_pairs(pairs.iter().map(|(name, value)| (name.as_str(), value.as_str())))
                .map_err(ApiError::from)?;
            let page: HistoryPage = shop_history::ask(env, &agent.shop, &HistoryRequest::List { query }).await?;
            Ok(json(&page, 200)?)
        }
        (Method::Get, ["api", "shops", shop, "conversations", id, "earlier"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Agent).await?;
            let earlier = HistoryRequest::Earlier { conversation_id: ConversationId::parse(id)? };
            let entries: Vec<HistoryEntry> = shop_history::ask(env, &agent.shop, &earlier).await?;
            Ok(json(&entries, 200)?)
        }
        (Method::Get, ["api", "shops", shop, "conversations", id, "shopper-notes"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Agent).await?;
            let notes = HistoryRequest::Notes { conversation_id: ConversationId::parse(id)? };
            let notes: Vec<ShopperNote> = shop_history::ask(env, &agent.shop, &notes).await?;
            Ok(json(&notes, 200)?)
        }
        (Method::Post, ["api", "shops", shop, "conversations", id, "shopper-notes"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Agent).await?;
            let note: NewShopperNote = read_json(&mut req).await?;
            let add = HistoryRequest::AddNote {
                conversation_id: ConversationId::parse(id)?,
                text: note.checked_text().map_err(ApiError::from)?,
                author: agent.email,
                author_name: agent.name,
                at: now(),
            };
            let notes: Vec<ShopperNote> = shop_history::ask(env, &agent.shop, &add).await?;
            Ok(json(&notes, 201)?)
        }
        (Method::Get, ["api", "shops", shop, "install"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Owner).await?;
            let report: InstallReport = rpc::call(&desk_stub(env, &agent.shop)?, &DeskRequest::InstallReport).await?;
            Ok(json(&report, 200)?)
        }
        (Method::Post, ["api", "shops", shop, "webhook", "tests"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Owner).await?;
            // Each test is a request the edge sends out: a few a minute per shop.
            rate_limiter::count(env, &agent.shop, &client_key(&req, dev), Action::WebhookTest).await?;
            let tested: WebhookTestResult = rpc::call(&desk_stub(env, &agent.shop)?, &DeskRequest::TestWebhook).await?;
            Ok(json(&tested, 200)?)
        }
        (Method::Post, ["api", "shops", shop, "erasures"]) => {
            // Owners only: it deletes shoppers' conversations for good.
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Owner).await?;
            let request = DeskRequest::Erase { request: read_json(&mut req).await? };
            let erased: Erased = rpc::call(&desk_stub(env, &agent.shop)?, &request).await?;
            Ok(json(&erased, 200)?)
        }
        (Method::Get, ["api", "shops", shop, "dead-letters"]) => {
            let agent = agent_of(&req, env, &ShopId::parse(shop)?, Role::Owner).await?;
            let listing: DeadLetters = rpc::call(&desk_stub(env, &agent.shop)?, &DeskRequest::DeadLetters).await?;
            Ok(json(&listing, 200)?)
        }
        (Method::Post, ["api", "logout"]) => logout(&req, env, secure).await,
        (Method::Get, ["api", "me"]) => Ok(json(&authenticate(&req, env).await?.agent, 200)?),
        (Method::Post, ["api", "dev", "seed"]) if dev => {
            // An empty body seeds the demo shop; anything else is a seed, and JSON either way.
            require_json(&req)?;
            let body = req.text().await?;
            let seed = match body.trim() {
                "" => dev_seed::demo_shop()?,
                text => serde_json::from_str(text)
                    .map_err(|e| EdgeError::api(ErrorCode::BadRequest, format!("invalid seed: {e}")))?,
            };
            Ok(json(&dev_seed::seed(env, seed).await?, 200)?)
        }
        (Method::Post, ["api", "dev", "history"]) if dev => {
            Ok(json(&dev_history::fill(env, read_json(&mut req).await?).await?, 200)?)
        }
        (Method::Post, ["api", "dev", "queue"]) if dev => {
            let fill: dev_queue::FillQueue = read_json(&mut req).await?;
            let request = DeskRequest::FillQueue { first: fill.first, count: fill.count };
            let filled: u32 = rpc::call(&desk_stub(env, &fill.shop)?, &request).await?;
            Ok(json(&filled, 200)?)
        }
        (Method::Post, ["api", "dev", "desk", "timings"]) if dev => {
            let read: dev_queue::ReadTimings = read_json(&mut req).await?;
            let timings: serde_json::Value = rpc::call(&desk_stub(env, &read.shop)?, &DeskRequest::Timings).await?;
            Ok(json(&timings, 200)?)
        }
        (Method::Get, ["api", "dev", "counters"]) if dev => Ok(json(&dev_counters::totals(), 200)?),
        (Method::Post, ["api", "dev", "counters", "reset"]) if dev => {
            require_json(&req)?;
            Ok(json(&dev_counters::reset(), 200)?)
        }
        (Method::Get, ["api", "dev", "echo", room]) if dev => {
            forward_websocket(&req, Object::BenchEcho.stub(env, room)?, None).await
        }
        (Method::Post, ["api", "dev", "clock"]) if dev => {
            Ok(json(&dev_clock::advance(env, read_json(&mut req).await?).await?, 200)?)
        }
        _ => Err(EdgeError::not_found()),
    }
}

/// The signed-in agent, if they work for `shop` with at least `role`.
async fn agent_of(req: &Request, env: &Env, shop: &ShopId, role: Role) -> EdgeResult<AgentProfile> {
    let agent = authenticate(req, env).await?.agent;
    if &agent.shop != shop {
        return Err(EdgeError::api(ErrorCode::Forbidden, "you are not an agent of this shop"));
    }
    if role == Role::Owner && agent.role != Role::Owner {
        return Err(EdgeError::api(ErrorCode::Forbidden, "only the shop's owners can do this"));
    }
    Ok(agent)
}

/// `?from=&to=` in milliseconds since the epoch; by default the last 7 days. The desk checks
/// the window (core's `metrics_window`: `from` before `to`, at most 93 days).
fn metrics_window(url: &worker::Url) -> EdgeResult<(UnixMillis, UnixMillis)> {
    let param = |name: &str| -> EdgeResult<Option<u64>> {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| {
                value.parse::<u64>().map_err(|_| {
                    EdgeError::api(ErrorCode::BadRequest, format!("{name} must be milliseconds since the Unix epoch"))
                })
            })
            .transpose()
    };
    let to = param("to")?.unwrap_or(now().0);
    let from = param("from")?.unwrap_or(to.saturating_sub(METRICS_DEFAULT_MILLIS));
    Ok((UnixMillis(from), UnixMillis(to)))
}

/// The default metrics window.
const METRICS_DEFAULT_MILLIS: u64 = 7 * 24 * 60 * 60 * 1000;

/// The shop's launcher for the loader on its pages: public, and readable cross-origin by the
/// shop's allowed origins only. Browsers ask each time (`no-cache`) and the Worker answers
/// from the shop's public face in its cache (see `shop_widget`), so an owner's change of
/// colour, corner or text shows on the shop's next page views without each reaching the desk.
/// `?color=#rrggbb` (the embed tag's `data-color`) stands in for the shop's colour, so core
/// picks the readable text for it too.
async fn launcher(
    req: &Request,
    env: &Env,
    url: &worker::Url,
    edge_origin: &str,
    shop: &ShopId,
) -> EdgeResult<Response> {
    let page_origin = req.headers().get("origin")?;
    let public = public_shop(env, edge_origin, shop).await?;
    if let Some(page_origin) = &page_origin {
        shop_widget::sighted(env, edge_origin, &public, page_origin).await?;
    }
    let mut settings = public.launcher.clone();
    if let Some((_, color)) = url.query_pairs().find(|(key, _)| key == "color") {
        settings.color = Rgb::parse(&color).map_err(ApiError::from)?;
    }
    let response = json(&settings.view(&public.name, shopper_locale(req, url)), 200)?;
    let headers = response.headers();
    headers.set("cache-control", "no-cache")?;
    headers.set("vary", "origin, accept-language")?;
    if let Some(page_origin) = page_origin.filter(|page_origin| public.allows(page_origin)) {
        headers.set("access-control-allow-origin", &page_origin)?;
    }
    Ok(response)
}

/// Creates a conversation with a random id and a random shopper token, of which the room
/// keeps only the hash. With a valid identity token for a user who already has a conversation,
/// that conversation is opened to this device instead (with a token of its own): history
/// follows the user. A given identity token that does not verify is refused, never ignored.
/// A new conversation keeps what the shopper gave in the shop's pre-chat fields, checked by
/// the shop's rules (a required one missing is refused, naming it).
async fn create_conversation(env: &Env, shop: ShopId, body: NewConversation) -> EdgeResult<Response> {
    let profile = open_shop(env, &shop).await?;
    let user = match body.identity {
        Some(token) => Some(verified_user(&profile, &token)?),
        None => None,
    };
    let desk = desk_stub(env, &shop)?;
    let token = crypto::random_hex(32)?;
    let token_hash = crypto::sha256_hex(&token).await?;
    if let Some(user) = &user {
        let found: UserConversation =
            rpc::call(&desk, &DeskRequest::UserConversation { user_id: user.user_id.clone() }).await?;
        if let Some(id) = found.conversation_id {
            return open_to_device(env, id, token, token_hash).await;
        }
    }
    let shopper = profile.settings.pre_chat.accept(body.shopper.unwrap_or_default()).map_err(ApiError::from)?;
    let id = ConversationId::parse(&crypto::random_hex(ConversationId::HEX_LEN / 2)?)?;
    let user_id = user.as_ref().map(|user| user.user_id.clone());
    let page =
        validation::page_context(body.page).map_err(|refused| ApiError::from(ConversationError::from(refused)))?;
    // A browser's first conversation names its device: the widget keeps that id and sends it
    // with the browser's later conversations.
    let device = match body.device {
        Some(device) => device,
        None => DeviceId::parse(id.as_str())?,
    };
    let conversation = Conversation::new(id.clone(), shop, page)
        .with_user(user)
        .with_shopper(shopper)
        .with_locale(body.locale)
        .with_device(Some(device))
        .with_webhook(profile.settings.webhook.is_some());
    let room = room_stub(env, &id)?;
    let open = RoomRequest::Open { conversation: Box::new(conversation), token_hash: token_hash.clone() };
    rpc::call::<_, serde_json::Value>(&room, &open).await?;
    if let Some(user_id) = user_id {
        // The desk binds the user to the first conversation made for them. A first visit on
        // another device at the same moment made one too: the later one is forgotten, and this
        // device joins the first.
        let request = DeskRequest::BindUser { user_id, conversation_id: id.clone() };
        let bound: UserConversation = rpc::call(&desk, &request).await?;
        match bound.conversation_id {
            Some(bound) if bound != id => {
                rpc::call::<_, serde_json::Value>(&room, &RoomRequest::Discard).await?;
                return open_to_device(env, bound, token, token_hash).await;
            }
            _ => {}
        }
    }
    Ok(json(&ConversationTicket { conversation_id: id, token }, 201)?)
}

/// The desk's answer about a verified user's conversation.
#[derive(serde::Deserialize)]
struct UserConversation {
    conversation_id: Option<ConversationId>,
}

/// Opens a verified user's existing conversation to another device, with a token of its own.
async fn open_to_device(env: &Env, id: ConversationId, token: String, token_hash: String) -> EdgeResult<Response> {
    let room = room_stub(env, &id)?;
    rpc::call::<_, serde_json::Value>(&room, &RoomRequest::AddToken { token_hash }).await?;
    Ok(json(&ConversationTicket { conversation_id: id, token }, 200)?)
}

/// The shop's user named by a token the shop signed, checked against its secret and expiry.
fn verified_user(profile: &ShopProfile, token: &str) -> EdgeResult<VerifiedUser> {
    let secret = profile.settings.identity_secret.as_ref().ok_or(ApiError::from(IdentityError::NotEnabled))?;
    let identity = verify_identity(secret.as_bytes(), token, now()).map_err(ApiError::from)?;
    Ok(VerifiedUser { user_id: identity.user_id, name: identity.name, email: identity.email })
}

/// The answer that signs an agent in: their profile, and the session's cookie.
fn signed_in_response(signed_in: NewSession, status: u16, secure: bool) -> EdgeResult<Response> {
    let cookie = SessionCookie { shop: signed_in.agent.shop.clone(), token: signed_in.token };
    let response = json(&signed_in.agent, status)?;
    response.headers().set("set-cookie", &cookie.set_header(secure))?;
    Ok(response)
}

fn no_content() -> EdgeResult<Response> {
    Ok(Response::empty()?.with_status(204))
}

/// The answer that signs out here: the cookie cleared.
fn signed_out(secure: bool) -> EdgeResult<Response> {
    let headers = Headers::new();
    headers.set("set-cookie", &SessionCookie::clear_header(secure))?;
    Ok(Response::empty()?.with_status(204).with_headers(headers))
}

/// `POST /api/operator/shops/{shop}/disabled`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DisabledRequest {
    disabled: bool,
}

/// Signs the session out: it ends on the desk, and with it every socket it opened.
async fn logout(req: &Request, env: &Env, secure: bool) -> EdgeResult<Response> {
    if let Some(session) = SessionCookie::from_request(req) {
        let desk = desk_stub(env, &session.shop)?;
        rpc::call::<_, serde_json::Value>(&desk, &DeskRequest::CloseSession { token: session.token }).await?;
    }
    signed_out(secure)
}

/// Where a development edge reads a client's address, so tests can play many clients.
const DEV_CLIENT_HEADER: &str = "x-parley-dev-client";

/// The client's address as a rate-limit key (core's `client_address`: IPv6 by its /64). On
/// Cloudflare the platform sets `CF-Connecting-IP` and a client cannot. A local edge keeps
/// whatever a client sends there, so in development it is not read: every client is the machine
/// they all run on, unless a test names one in [`DEV_CLIENT_HEADER`].
fn client_key(req: &Request, dev: bool) -> String {
    let header = if dev { DEV_CLIENT_HEADER } else { "cf-connecting-ip" };
    let address = req.headers().get(header).ok().flatten();
    rate_limit_key(address.as_deref().unwrap_or(if dev { "127.0.0.1" } else { "" }))
}

/// Hands a WebSocket upgrade to an object, with the signed-in agent (if any) attached.
async fn forward_websocket(req: &Request, stub: rpc::ObjectStub, agent: Option<SignedIn>) -> EdgeResult<Response> {
    if !is_websocket_upgrade(req) {
        return Err(EdgeError::api(ErrorCode::BadRequest, "expected a WebSocket upgrade"));
    }
    let headers = Headers::new();
    headers.set("upgrade", "websocket")?;
    if let Some(agent) = agent {
        headers.set(AGENT_HEADER, &serde_json::to_string(&agent)?)?;
    }
    let mut init = RequestInit::new();
    init.with_headers(headers);
    stub.fetch(Request::new_with_init("https://object/ws", &init)?).await
}
