package api

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// The API reference at /api/v1/docs: openapi.json rendered as one HTML page on the server, with no
// script and nothing fetched from elsewhere.

type docOperation struct {
	Method, Path, Summary, ID, Body string
	Public                          bool
	Params                          []docParam
	Responses                       []docResponse
}

type docParam struct{ Name, In, Description, Type string }

type docResponse struct{ Status, Description, Schema string }

type docSchema struct {
	Name       string
	Properties []docProperty
}

type docProperty struct {
	Name, Type string
	Required   bool
}

// schemaRef names a schema: its component's name, or its JSON type.
func schemaRef(s map[string]any) string {
	if ref, ok := s["$ref"].(string); ok {
		return strings.TrimPrefix(ref, "#/components/schemas/")
	}
	for _, k := range []string{"oneOf", "allOf", "anyOf"} {
		if list, ok := s[k].([]any); ok {
			var names []string
			for _, x := range list {
				if m, ok := x.(map[string]any); ok {
					names = append(names, schemaRef(m))
				}
			}
			return strings.Join(names, map[string]string{"oneOf": " or ", "allOf": " and ", "anyOf": " or "}[k])
		}
	}
	if t, ok := s["type"].(string); ok {
		if t == "array" {
			if items, ok := s["items"].(map[string]any); ok {
				return "array of " + schemaRef(items)
			}
		}
		return t
	}
	return ""
}

// firstContent is the schema of a request body's or response's first media type.
func firstContent(v map[string]any) string {
	content, _ := v["content"].(map[string]any)
	types := make([]string, 0, len(content))
	for t := range content {
		types = append(types, t)
	}
	if len(types) == 0 {
		return ""
	}
	sort.Strings(types)
	t := types[0]
	m, _ := content[t].(map[string]any)
	if s, ok := m["schema"].(map[string]any); ok {
		return t + ": " + schemaRef(s)
	}
	return t
}

var docsPage = sync.OnceValues(func() ([]byte, error) {
	var doc struct {
		Info struct {
			Title, Version, Description string
		}
		Paths      map[string]map[string]map[string]any
		Components struct {
			Schemas map[string]map[string]any
		}
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		return nil, err
	}
	var ops []docOperation
	for path, methods := range doc.Paths {
		for method, op := range methods {
			o := docOperation{Method: strings.ToUpper(method), Path: path}
			o.Summary, _ = op["summary"].(string)
			o.ID, _ = op["operationId"].(string)
			if o.ID == "" {
				o.ID = method + strings.NewReplacer("/", "-", "{", "", "}", "").Replace(path)
			}
			if sec, ok := op["security"].([]any); ok && len(sec) == 0 {
				o.Public = true
			}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				m, _ := p.(map[string]any)
				dp := docParam{}
				dp.Name, _ = m["name"].(string)
				dp.In, _ = m["in"].(string)
				dp.Description, _ = m["description"].(string)
				if s, ok := m["schema"].(map[string]any); ok {
					dp.Type = schemaRef(s)
				}
				o.Params = append(o.Params, dp)
			}
			if body, ok := op["requestBody"].(map[string]any); ok {
				o.Body = firstContent(body)
			}
			responses, _ := op["responses"].(map[string]any)
			for status, v := range responses {
				m, _ := v.(map[string]any)
				r := docResponse{Status: status, Schema: firstContent(m)}
				r.Description, _ = m["description"].(string)
				o.Responses = append(o.Responses, r)
			}
			sort.Slice(o.Responses, func(i, j int) bool { return o.Responses[i].Status < o.Responses[j].Status })
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	var schemas []docSchema
	for name, s := range doc.Components.Schemas {
		ds := docSchema{Name: name}
		required := map[string]bool{}
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if n, ok := r.(string); ok {
					required[n] = true
				}
			}
		}
		props, _ := s["properties"].(map[string]any)
		for pn, pv := range props {
			m, _ := pv.(map[string]any)
			ds.Properties = append(ds.Properties, docProperty{Name: pn, Type: schemaRef(m), Required: required[pn]})
		}
		sort.Slice(ds.Properties, func(i, j int) bool { return ds.Properties[i].Name < ds.Properties[j].Name })
		schemas = append(schemas, ds)
	}
	sort.Slice(schemas, func(i, j int) bool { return schemas[i].Name < schemas[j].Name })
	var b bytes.Buffer
	err := docsTemplate.Execute(&b, map[string]any{"Info": doc.Info, "Operations": ops, "Schemas": schemas})
	return b.Bytes(), err
})

var docsTemplate = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Info.Title}} reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-top:1px solid #ccc;padding-top:1rem}
code{font:13px/1.4 ui-monospace,monospace;background:#f3f3f3;padding:0 .2rem;border-radius:3px;overflow-wrap:anywhere}
.method{font-weight:700;display:inline-block;min-width:4.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #e3e3e3;vertical-align:top}
.tag{font-size:12px;border:1px solid #888;border-radius:3px;padding:0 .3rem;margin-left:.4rem}
nav ul{columns:2;padding-left:1.2rem}@media (max-width:40rem){nav ul{columns:1}}
</style></head><body>
<h1>{{.Info.Title}} <small>v{{.Info.Version}}</small></h1>
<p>{{.Info.Description}}</p>
<p>The machine-readable document: <a href="/api/v1/openapi.json">openapi.json</a>, <a href="/api/v1/openapi.yaml">openapi.yaml</a>.
Calls take <code>Authorization: Bearer KEY</code> unless marked public.</p>
<nav aria-label="Operations"><ul>{{range .Operations}}<li><a href="#{{.ID}}"><span class="method">{{.Method}}</span> <code>{{.Path}}</code></a></li>{{end}}</ul></nav>
{{range .Operations}}<section aria-labelledby="{{.ID}}"><h2 id="{{.ID}}"><span class="method">{{.Method}}</span> <code>{{.Path}}</code>{{if .Public}}<span class="tag">public</span>{{end}}</h2>
<p>{{.Summary}}</p>
{{if .Params}}<table aria-label="Parameters"><thead><tr><th scope="col">Parameter</th><th scope="col">In</th><th scope="col">Type</th><th scope="col">About</th></tr></thead><tbody>
{{range .Params}}<tr><td><code>{{.Name}}</code></td><td>{{.In}}</td><td>{{.Type}}</td><td>{{.Description}}</td></tr>{{end}}</tbody></table>{{end}}
{{if .Body}}<p>Body: <code>{{.Body}}</code></p>{{end}}
<table aria-label="Answers"><thead><tr><th scope="col">Status</th><th scope="col">Meaning</th><th scope="col">Body</th></tr></thead><tbody>
{{range .Responses}}<tr><td>{{.Status}}</td><td>{{.Description}}</td><td>{{if .Schema}}<code>{{.Schema}}</code>{{end}}</td></tr>{{end}}</tbody></table></section>
{{end}}
<h2 id="schemas">Schemas</h2>
{{range .Schemas}}<section aria-labelledby="schema-{{.Name}}"><h3 id="schema-{{.Name}}">{{.Name}}</h3>
{{if .Properties}}<table><thead><tr><th scope="col">Property</th><th scope="col">Type</th><th scope="col">Required</th></tr></thead><tbody>
{{range .Properties}}<tr><td><code>{{.Name}}</code></td><td>{{.Type}}</td><td>{{if .Required}}yes{{end}}</td></tr>{{end}}</tbody></table>{{end}}</section>
{{end}}</body></html>
`))

// serveDocs answers the rendered reference.
func serveDocs(w http.ResponseWriter, r *http.Request) {
	page, err := docsPage()
	if err != nil {
		WriteError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'")
	w.Write(page)
}
