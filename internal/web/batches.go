package web

import (
	"io"
	"net/http"

	"github.com/ecship/ecship/internal/batch"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/shipment"
)

type batchPage struct {
	page
	B        *batch.Batch
	Recent   []*batch.Batch
	Error    string
	Columns  []string
	Percent  int
	Ready    []string // ids of the batch's ready labels, to print in one PDF
	Messages []batchMessage
}

type batchMessage struct {
	Row             int
	Column, Message string
}

func (p *Portal) batchNew(w http.ResponseWriter, r *http.Request) {
	p.renderBatchNew(w, r, http.StatusOK, "")
}

func (p *Portal) renderBatchNew(w http.ResponseWriter, r *http.Request, status int, errText string) {
	pg := &batchPage{page: p.page(w, r, "batches.new.title"), Error: errText}
	var err error
	if pg.Recent, err = p.Batches.Recent(r.Context(), owner(r), 10); err != nil {
		p.Log.Error("recent batches", "err", err) // the upload form works without the list
	}
	p.render(w, r, status, "batch_new", pg)
}

// batchUpload records the file and processes it in the background; the batch's page shows the
// progress and then the result.
func (p *Portal) batchUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, batch.DefaultMaxBytes+1<<20)
	l := Lang(r)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		p.renderBatchNew(w, r, http.StatusBadRequest, i18n.T(l, batch.KeyTooLarge, map[string]any{"max_mb": batch.DefaultMaxBytes >> 20}))
		return
	}
	defer r.MultipartForm.RemoveAll()
	f, hdr, err := r.FormFile("file")
	if err != nil {
		p.renderBatchNew(w, r, http.StatusBadRequest, i18n.T(l, "batch.choose_file", nil))
		return
	}
	defer f.Close()
	data, _ := io.ReadAll(io.LimitReader(f, batch.DefaultMaxBytes+1))
	o := owner(r)
	b, existing, err := p.Batches.Upload(r.Context(), o, hdr.Filename, data, batch.Options{Encoding: r.FormValue("encoding"), Sheet: r.FormValue("sheet")})
	if err != nil {
		e := errs.As(err)
		msg := i18n.T(l, e.Message.Key, e.Message.Args)
		if len(e.Fields) > 0 {
			msg = i18n.T(l, e.Fields[0].Key, e.Fields[0].Args)
		}
		p.renderBatchNew(w, r, http.StatusBadRequest, msg)
		return
	}
	switch {
	case !existing && r.FormValue("review") != "":
		if err := p.Batches.Review(r.Context(), b); err != nil {
			p.fail(w, r, err)
			return
		}
	case !existing:
		if err := p.Batches.Start(r.Context(), o, b); err != nil {
			p.fail(w, r, err)
			return
		}
	}
	notice := ""
	if existing {
		notice = "?notice=batch_again"
	}
	http.Redirect(w, r, "/batches/"+b.ID+notice, http.StatusSeeOther)
}

func (p *Portal) batchView(w http.ResponseWriter, r *http.Request) {
	b, err := p.Batches.Get(r.Context(), owner(r), r.PathValue("id"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &batchPage{page: p.page(w, r, "batches.view.title"), B: b, Columns: batch.Columns}
	if b.Rows > 0 {
		pg.Percent = b.RowsDone * 100 / b.Rows
	}
	for _, e := range b.Errors {
		pg.Messages = append(pg.Messages, batchMessage{Row: e.Row, Column: e.Column, Message: i18n.T(pg.Lang, e.Key, e.Args)})
	}
	if b.FileError != nil {
		pg.Error = i18n.T(pg.Lang, b.FileError.Key, b.FileError.Args)
	}
	if b.Status == batch.Done && b.Created > 0 {
		// Labels deleted, paid or cancelled since the upload are simply not offered for printing.
		for _, id := range b.ShipmentIDs {
			if s, err := p.Shipments.Get(r.Context(), owner(r), id); err == nil && s.Status == shipment.Ready {
				pg.Ready = append(pg.Ready, s.ID)
			}
		}
	}
	if b.Status == batch.Processing {
		w.Header().Set("Refresh", "1") // the page follows the progress without script
	}
	p.render(w, r, http.StatusOK, "batch", pg)
}

// batchMapping takes the sender's column choices for a file whose required columns were not found,
// processes it again, and saves the mapping for their next upload.
func (p *Portal) batchMapping(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	m := map[string]string{}
	for k, v := range r.PostForm {
		if len(k) > 4 && k[:4] == "col:" && len(v) > 0 && v[0] != "" {
			m[k[4:]] = v[0]
		}
	}
	o := owner(r)
	b, err := p.Batches.Remap(r.Context(), o, r.PathValue("id"), m)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if err := p.Batches.Start(r.Context(), o, b); err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/batches/"+b.ID, http.StatusSeeOther)
}
