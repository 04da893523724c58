package api

import (
	_ "embed"
	"net/http"
)

// openAPI is the API's contract, written by hand and kept honest by a test that checks every route
// the API registers is in it.
//
//go:embed openapi.json
var openAPI []byte

// serveOpenAPI serves the document; JSON is YAML 1.2 too, so one text serves both names.
func serveOpenAPI(contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType+"; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=300")
		w.Write(openAPI)
	}
}
