-- Baken schema 5: accounts for the web UI and the API. Passwords are argon2id hashes
-- (libsodium crypto_pwhash_str); API tokens and session cookies are kept only as their
-- SHA-256, so a copy of the database gives nobody a way in.

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	role TEXT NOT NULL
		CHECK (role IN ('analyst', 'coordinator', 'crisis', 'constituent', 'partner', 'admin')),
	org_id TEXT REFERENCES orgs(id),
	email TEXT,
	pw_hash TEXT,             -- NULL until `user password` sets one
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	hash TEXT NOT NULL UNIQUE, -- SHA-256 (hex) of the token
	hint TEXT NOT NULL,        -- its first characters, to tell tokens apart
	created_at TEXT NOT NULL,
	last_used_at TEXT,
	revoked_at TEXT
);

CREATE TABLE sessions (
	hash TEXT PRIMARY KEY,     -- SHA-256 (hex) of the cookie's value
	user_id INTEGER NOT NULL REFERENCES users(id),
	csrf TEXT NOT NULL,        -- the token every form of this session carries
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed logins, for rate limiting: per user name and per client address.
CREATE TABLE login_failures (
	key TEXT NOT NULL,         -- "user:NAME" or "addr:ADDRESS"
	at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);
