package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

type apiContract struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	contractMu sync.Mutex
	contracts  = map[string]*apiContract{}
)

// contract is an OpenAPI document, read and checked once, with a router of its operations.
func contract(path string) (*apiContract, error) {
	contractMu.Lock()
	defer contractMu.Unlock()
	if c, ok := contracts[path]; ok {
		return c, nil
	}
	// HTML pages (the API reference) are text, as text/plain is.
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.RegisteredBodyDecoder("text/plain"))
	// ZPL labels are printer commands in ASCII.
	openapi3filter.RegisterBodyDecoder("application/zpl", openapi3filter.RegisteredBodyDecoder("text/plain"))
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	c := &apiContract{doc: doc, router: r}
	contracts[path] = c
	return c, nil
}

// CheckOpenAPI holds one answer of the REST API to its OpenAPI document (kin-openapi's
// openapi3filter): the route must be in the document, the status one its operation lists, and the
// headers and body what that status says. A path or method the document does not have must be a
// 404 or 405 with the Error schema's body. Answers outside /api/v1/ are not the document's.
func CheckOpenAPI(tb testing.TB, docPath string, req *http.Request, status int, header http.Header, body []byte) {
	tb.Helper()
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") || strings.HasPrefix(req.URL.Path, "/api/v1/openapi.") {
		return
	}
	c, err := contract(docPath)
	if err != nil {
		tb.Fatalf("%s: %v", docPath, err)
	}
	r := req.Clone(context.Background())
	r.URL.Scheme, r.URL.Host, r.Host = "", "", ""
	route, params, err := c.router.FindRoute(r)
	if err != nil {
		var v any
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed || json.Unmarshal(body, &v) != nil ||
			c.doc.Components.Schemas["Error"].Value.VisitJSON(v) != nil {
			tb.Errorf("%s %s (HTTP %d) is not in %s (%v), and the answer is not an Error 404 or 405: %.300s", req.Method, req.URL.Path, status, docPath, err, body)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 status, Header: header, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		tb.Errorf("%s %s answered HTTP %d against %s: %v\n%.300s", req.Method, req.URL.Path, status, docPath, err, body)
	}
}

// OpenAPIRoutes lists every operation of the OpenAPI document at docPath as "METHOD /path",
// sorted.
func OpenAPIRoutes(tb testing.TB, docPath string) []string {
	tb.Helper()
	raw, err := os.ReadFile(docPath)
	if err != nil {
		tb.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		tb.Fatal(err)
	}
	var out []string
	for path, ops := range doc.Paths {
		for method := range ops {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options":
				out = append(out, strings.ToUpper(method)+" "+path)
			}
		}
	}
	sort.Strings(out)
	return out
}
