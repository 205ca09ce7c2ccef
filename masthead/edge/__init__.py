"""The caches in front of the reader site: the origin's page cache, the edge (Varnish, a CDN),
and the purges that keep both exact. The design: docs/caching.md."""
