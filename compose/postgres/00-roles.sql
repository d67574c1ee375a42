-- PostgREST's roles (docs.postgrest.org, "Authentication"): it connects as `authenticator` and
-- switches to the role named in the request's JWT; `anon` is the role of the compose file's anon key
-- and of requests without one. Local bench credentials only (README.md in this folder).
CREATE ROLE anon NOLOGIN;
CREATE ROLE authenticator LOGIN NOINHERIT PASSWORD 'overbench-authenticator';
GRANT anon TO authenticator;
