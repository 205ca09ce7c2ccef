# Varnish in front of Masthead (Debian's varnish 7 and varnish-modules' xkey).
#
# Holds what every reader gets alike, whole: fronts, free stories, tag pages, feeds, sitemaps,
# and the shell of a metered story, whose body is an ESI include of its face. The face (the
# meter's decision for one read) goes to the origin on every read and is never stored, so a
# walled reader is never served the whole story from here, and a reader who clears cookies
# meets the origin's per-address budget as anywhere else. A signed-in reader (a session cookie)
# passes: their pages are never stored. Purges come from the origin by key (`xkey-purge`),
# exact and immediate; lifetimes come from the origin's Surrogate-Control.
#
# `masthead serve --edge varnish` writes its backend address over the one below.
vcl 4.1;

import std;
import xkey;

backend default {
    .host = "127.0.0.1";
    .port = "8001";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may purge: the origin's machines.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # Only this file says what the edge can do; a reader's own claim is ignored.
    unset req.http.Surrogate-Capability;
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "an xkey-purge header is required"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # An ESI include is built from the reader's request as it arrived: give it the id made for
    # this reader below, or the face would meter them as a stranger.
    if (req.esi_level > 0 && req_top.http.X-Masthead-New-Visitor) {
        if (req.http.Cookie) {
            set req.http.Cookie = req.http.Cookie + "; mh_edge="
                + req_top.http.X-Masthead-New-Visitor;
        } else {
            set req.http.Cookie = "mh_edge=" + req_top.http.X-Masthead-New-Visitor;
        }
    }
    # Per reader or per request: the back office, accounts, the push endpoint, the Popular
    # beacon, search, and the meter's face.
    if (req.url ~ "^/(admin|accounts|wire)/" || req.url ~ "^/b/" || req.url ~ "^/search/"
        || req.url ~ "^/story/[^/]+/face/") {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=" || req.http.Authorization) {
        return (pass);
    }
    # A reader without the meter's cookie gets one made here, on this very request (and on its
    # ESI face, above): the origin's own cookie could not reach the reader through an include. Digits only; the origin accepts mh_edge=e<digits>.
    if (req.esi_level == 0 && req.http.Cookie !~ "(^|;\s*)(mh_visitor|mh_edge)=") {
        set req.http.X-Masthead-New-Visitor = "e" + std.integer(real=std.random(100000000000.0, 999999999999.0))
            + std.integer(real=std.random(100000000000.0, 999999999999.0)) + req.xid;
        if (req.http.Cookie) {
            set req.http.Cookie = req.http.Cookie + "; mh_edge=" + req.http.X-Masthead-New-Visitor;
        } else {
            set req.http.Cookie = "mh_edge=" + req.http.X-Masthead-New-Visitor;
        }
    }
    set req.http.Surrogate-Capability = {"masthead="ESI/1.0""};
    # The lookup ignores cookies (the hash is the URL and host); the cookies still reach the
    # origin for the ESI face, which needs the reader's meter cookie.
    return (hash);
}

sub vcl_backend_response {
    if (beresp.http.Surrogate-Control ~ "ESI/1.0") {
        set beresp.do_esi = true;
    }
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.http.Cache-Control ~ "(private|no-store)" || beresp.http.Set-Cookie
        || beresp.http.Cache-Control !~ "public") {
        # Personal, or not said to be shared: never stored.
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    if (beresp.http.Surrogate-Control ~ "max-age=[0-9]+") {
        set beresp.ttl = std.duration(
            regsub(beresp.http.Surrogate-Control, "^.*max-age=([0-9]+).*$", "\1s"), 120s);
    }
    if (beresp.status == 404) {
        set beresp.ttl = 10s;  # a story about to be published must not wait long
    }
    # Shared pages are the same whatever cookies a reader sent.
    if (beresp.http.Vary) {
        set beresp.http.Vary = regsuball(beresp.http.Vary, "(?i)(^|,\s*)cookie", "");
        set beresp.http.Vary = regsub(beresp.http.Vary, "^,\s*", "");
        if (beresp.http.Vary == "") {
            unset beresp.http.Vary;
        }
    }
    set beresp.grace = 30s;
    unset beresp.http.Surrogate-Control;
    return (deliver);
}

sub vcl_deliver {
    if (req.esi_level == 0 && req.http.X-Masthead-New-Visitor) {
        set resp.http.Set-Cookie = "mh_edge=" + req.http.X-Masthead-New-Visitor
            + "; Path=/; Max-Age=34560000; HttpOnly; SameSite=Lax";
    }
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
}
