-- Initial schema: users, posts, the transactional outbox and the welcome-email delivery log.

CREATE TABLE users (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL,
    email       text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
-- Email addresses are unique regardless of case.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

CREATE TABLE posts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id   bigint      NOT NULL REFERENCES users (id),
    title       text        NOT NULL,
    body        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
-- Keyset pagination over all posts and over one author's posts, newest first.
CREATE INDEX posts_newest_first_idx ON posts (created_at DESC, id DESC);
CREATE INDEX posts_author_newest_first_idx ON posts (author_id, created_at DESC, id DESC);

-- Events written in the same transaction as the change that caused them, then published to RabbitMQ.
CREATE TABLE outbox (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id      uuid        NOT NULL UNIQUE,
    event_type    text        NOT NULL,          -- e.g. 'user.registered'
    payload       jsonb       NOT NULL,
    trace_parent  text,                          -- W3C traceparent of the request that wrote the event
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz
);
-- The publisher only scans rows that are still unpublished.
CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;

-- One row per welcome email sent, so a redelivered event sends no second email.
CREATE TABLE email_deliveries (
    event_id    uuid PRIMARY KEY,                -- the user.registered event that caused the email
    user_id     bigint      NOT NULL,
    email       text        NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now()
);
