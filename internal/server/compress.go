package server

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// compressed are the media types worth compressing: text that repeats itself. Pages, style
// sheets and JSON shrink five- to tenfold (a form of 20 labels from 130 KB to 12 KB). Labels
// (PDF, PNG, ZPL) and SOAP's XML go as they are: the first are compressed already or tiny, and
// SOAP clients of the EC-Ship API are not all known to read a compressed answer.
var compressed = []string{"text/html", "text/css", "text/csv", "text/plain", "image/svg+xml",
	"application/json", "application/problem+json"}

// Compress answers with gzip (or zstd) what a client says it reads (Accept-Encoding) and is one of
// the compressed types, when it is more than a packet long. Vary: Accept-Encoding is added so
// caches keep both forms apart.
func Compress(h http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.ContentTypes(compressed))
	if err != nil { // only for options out of range, which these are not
		panic(err)
	}
	return wrap(h)
}
