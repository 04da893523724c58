package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/batch"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/shipment"
)

type batchJSON struct {
	ID          string         `json:"id"`
	Status      string         `json:"status"`
	Filename    string         `json:"filename"`
	Rows        int            `json:"rows"`
	RowsDone    int            `json:"rows_done"`
	Created     int            `json:"created"`
	Incomplete  int            `json:"incomplete"`
	Errors      []batchErrJSON `json:"errors"`
	FileError   *reasonJSON    `json:"file_error,omitempty"`
	ShipmentIDs []string       `json:"shipment_ids"`
	Columns     []batchColJSON `json:"columns,omitempty"`
	CreatedAt   string         `json:"created_at"`
}

type batchErrJSON struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

type batchColJSON struct {
	Name      string `json:"name"`
	Canonical string `json:"canonical,omitempty"`
}

// BatchJSON is a batch as the API answers it (the command line prints the same).
func BatchJSON(b *batch.Batch, l i18n.Lang) any {
	out := batchJSON{ID: b.ID, Status: string(b.Status), Filename: b.Filename, Rows: b.Rows, RowsDone: b.RowsDone, Created: b.Created,
		Incomplete: b.Incomplete, Errors: []batchErrJSON{}, ShipmentIDs: b.ShipmentIDs, CreatedAt: rfc3339(&b.CreatedAt)}
	if out.ShipmentIDs == nil {
		out.ShipmentIDs = []string{}
	}
	for _, e := range b.Errors {
		out.Errors = append(out.Errors, batchErrJSON{Row: e.Row, Column: e.Column, Message: i18n.T(l, e.Key, e.Args)})
	}
	if f := b.FileError; f != nil {
		out.FileError = &reasonJSON{Code: strings.TrimPrefix(f.Key, "batch."), Message: i18n.T(l, f.Key, f.Args)}
	}
	if b.Status == batch.NeedsMapping {
		for _, c := range b.Headers {
			out.Columns = append(out.Columns, batchColJSON{Name: c.Name, Canonical: c.Canonical})
		}
	}
	return out
}

// createBatch takes a spreadsheet (multipart field "file"; optional fields encoding, delimiter,
// sheet and mapping as a JSON object of file header -> template column), processes it and answers
// the result. Uploading the same file again answers the same batch (200), processed once.
func (d *Deps) createBatch(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, batch.DefaultMaxBytes+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			WriteError(w, r, errs.Field("file", batch.KeyTooLarge, errs.Args{"max_mb": batch.DefaultMaxBytes >> 20}))
			return
		}
		WriteError(w, r, errs.Field("file", "batch.multipart", nil))
		return
	}
	defer r.MultipartForm.RemoveAll()
	f, hdr, err := r.FormFile("file")
	if err != nil {
		WriteError(w, r, errs.Field("file", "batch.multipart", nil))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, batch.DefaultMaxBytes+1))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	opt := batch.Options{Encoding: r.FormValue("encoding"), Sheet: r.FormValue("sheet")}
	if dl := r.FormValue("delimiter"); dl != "" {
		switch dl {
		case ",", ";", "\t", "tab":
			opt.Delimiter = rune(strings.ReplaceAll(dl, "tab", "\t")[0])
		default:
			WriteError(w, r, errs.Field("delimiter", "batch.delimiter", nil))
			return
		}
	}
	if m := r.FormValue("mapping"); m != "" {
		if err := json.Unmarshal([]byte(m), &opt.Mapping); err != nil {
			WriteError(w, r, errs.Field("mapping", "batch.mapping_json", nil))
			return
		}
	}
	o := d.owner(r)
	b, existing, err := d.Batches.Upload(r.Context(), o, hdr.Filename, data, opt)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	status := http.StatusOK
	if !existing {
		if b, err = d.startBatch(r, o, b); err != nil {
			WriteError(w, r, err)
			return
		}
		status = http.StatusCreated
		if b.Status == batch.Processing {
			status = http.StatusAccepted
		}
	}
	writeJSON(w, status, BatchJSON(b, Lang(r)))
}

// remapBatch takes the caller's column mapping for a batch whose columns were not recognised
// (status needs_mapping, with the file's columns listed), processes the file with it and answers
// the result. The mapping is kept for the caller's next upload.
func (d *Deps) remapBatch(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Mapping map[string]string `json:"mapping"`
	}
	if err := decode(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if len(in.Mapping) == 0 {
		WriteError(w, r, errs.Field("mapping", "batch.mapping_json", nil))
		return
	}
	o := d.owner(r)
	b, err := d.Batches.Remap(r.Context(), o, r.PathValue("id"), in.Mapping)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	if b, err = d.startBatch(r, o, b); err != nil {
		WriteError(w, r, err)
		return
	}
	status := http.StatusOK
	if b.Status == batch.Processing {
		status = http.StatusAccepted
	}
	writeJSON(w, status, BatchJSON(b, Lang(r)))
}

// BatchWait is how long an upload's answer waits for its batch to be processed on the job queue
// (500 rows take about a second); a batch still processing then is answered 202, to be followed
// with GET /api/v1/batches/{id}.
const BatchWait = 20 * time.Second

// startBatch puts the batch on the job queue and waits for it up to BatchWait.
func (d *Deps) startBatch(r *http.Request, o shipment.Owner, b *batch.Batch) (*batch.Batch, error) {
	if err := d.Batches.Start(r.Context(), o, b); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(r.Context(), BatchWait)
	defer cancel()
	return d.Batches.Wait(ctx, o, b.ID)
}

func (d *Deps) getBatch(w http.ResponseWriter, r *http.Request) {
	b, err := d.Batches.Get(r.Context(), d.owner(r), r.PathValue("id"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, BatchJSON(b, Lang(r)))
}

// batchTemplate serves the CSV or Excel template (no key needed).
func batchTemplate(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if kind == "csv" {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="ecship-batch-template.csv"`)
			batch.TemplateCSV(w)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="ecship-batch-template.xlsx"`)
		batch.TemplateXLSX(w)
	}
}
