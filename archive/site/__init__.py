"""The public site: pages for visitors in four languages, and what machines read
(JSON-LD, sitemap, feed). Views choose records through the API's presenters, so
every page applies the same visibility rules as the API, in a fixed number of
queries."""
