//! How a shop's server signs an identity token (docs/PROTOCOL.md, "Identity verification"):
//! `base64url(payload) "." base64url(hmac_sha256(secret, base64url(payload)))`, base64url
//! without padding, the MAC over the payload's base64url text; the payload names the user and
//! when the token stops working (`exp`, seconds, at most 24 hours ahead). In Node.js, PHP and
//! Python, each reading the secret from the server's environment, never from the page.

use leptos::prelude::*;

const NODE: &str = r#"const crypto = require("node:crypto");

// An identity token for the signed-in user; pass it to the page's Parley.identify({ token }).
function parleyIdentity(user) {
  const payload = Buffer.from(JSON.stringify({
    user_id: String(user.id),
    name: user.name,
    email: user.email,
    exp: Math.floor(Date.now() / 1000) + 3600, // an hour; at most 24 hours
  })).toString("base64url");
  const mac = crypto
    .createHmac("sha256", process.env.PARLEY_IDENTITY_SECRET)
    .update(payload)
    .digest("base64url");
  return payload + "." + mac;
}"#;

const PHP: &str = r#"<?php
function parley_base64url(string $bytes): string {
    return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
}

// An identity token for the signed-in user; pass it to the page's Parley.identify({ token }).
function parley_identity(array $user): string {
    $payload = parley_base64url(json_encode([
        'user_id' => (string) $user['id'],
        'name' => $user['name'],
        'email' => $user['email'],
        'exp' => time() + 3600, // an hour; at most 24 hours
    ]));
    $mac = hash_hmac('sha256', $payload, getenv('PARLEY_IDENTITY_SECRET'), true);
    return $payload . '.' . parley_base64url($mac);
}"#;

const PYTHON: &str = r#"import base64, hashlib, hmac, json, os, time

def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

# An identity token for the signed-in user; pass it to the page's Parley.identify({ token }).
def parley_identity(user_id, name, email) -> str:
    payload = _base64url(json.dumps({
        "user_id": str(user_id),
        "name": name,
        "email": email,
        "exp": int(time.time()) + 3600,  # an hour; at most 24 hours
    }).encode())
    secret = os.environ["PARLEY_IDENTITY_SECRET"].encode()
    mac = hmac.new(secret, payload.encode(), hashlib.sha256).digest()
    return payload + "." + _base64url(mac)"#;

#[component]
pub fn IdentityExamples() -> impl IntoView {
    view! {
        <div class="examples">
            <p class="field-hint">
                "Your server signs a token for the signed-in customer with this secret (kept in its environment as "
                <code>"PARLEY_IDENTITY_SECRET"</code>
                "); the page passes it to "
                <code>"Parley.identify({ token })"</code>
                ". The chat then follows the customer across devices, and agents see who they are."
            </p>
            {[("Node.js", NODE), ("PHP", PHP), ("Python", PYTHON)]
                .map(|(language, code)| {
                    view! {
                        <details class="example">
                            <summary>{language}</summary>
                            <pre class="code"><code>{code}</code></pre>
                        </details>
                    }
                })}
        </div>
    }
}
