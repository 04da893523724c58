package server

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Pages are sent compressed to a client that reads gzip and plain to one that does not; labels
// and SOAP's XML are never compressed.
func TestCompress(t *testing.T) {
	page := strings.Repeat("<tr><td>EE123456789HK</td><td>Tokyo</td></tr>\n", 200)
	h := Compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		case "/label.pdf":
			w.Header().Set("Content-Type", "application/pdf")
		case "/soap":
			w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		}
		io.WriteString(w, page)
	}))
	for _, c := range []struct {
		path, accept string
		gzipped      bool
	}{
		{"/page", "gzip, deflate", true},
		{"/page", "", false},
		{"/label.pdf", "gzip", false},
		{"/soap", "gzip", false},
	} {
		req := httptest.NewRequest("GET", c.path, nil)
		if c.accept != "" {
			req.Header.Set("Accept-Encoding", c.accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body, sent := rec.Body.Bytes(), rec.Body.Len()
		if got := rec.Header().Get("Content-Encoding") == "gzip"; got != c.gzipped {
			t.Errorf("%s with Accept-Encoding %q: gzipped %v; want %v", c.path, c.accept, got, c.gzipped)
			continue
		}
		if c.gzipped {
			if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s: Vary %q", c.path, rec.Header().Get("Vary"))
			}
			zr, err := gzip.NewReader(rec.Body)
			if err != nil {
				t.Fatal(err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
			if sent*5 > len(page) {
				t.Errorf("%s: %d bytes sent for %d", c.path, sent, len(page))
			}
		}
		if string(body) != page {
			t.Errorf("%s: the body read back differs (%d bytes)", c.path, len(body))
		}
	}
}
