package batch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/shipment"
)

// Store is what batches need from the database (implemented by internal/store).
type Store interface {
	StartBatch(ctx context.Context, b *Batch) (*Batch, bool, error)
	Batch(ctx context.Context, owner string, mode account.Mode, id string) (*Batch, error)
	// Batches lists the owner's batches in a mode, newest first, without their files.
	Batches(ctx context.Context, owner string, mode account.Mode, limit int) ([]*Batch, error)
	BatchProgress(ctx context.Context, id string, done, total int, now time.Time) error
	// RenewBatch is the heartbeat of a batch being processed: it keeps the lease of the process
	// working on it (its updated_at) fresh.
	RenewBatch(ctx context.Context, id string, now time.Time) error
	FinishBatch(ctx context.Context, b *Batch, list []*shipment.Shipment, prefix func(string) string, now time.Time) error
	EndBatch(ctx context.Context, b *Batch, now time.Time) error
	RestartBatch(ctx context.Context, b *Batch, stale, now time.Time) error
	SaveMapping(ctx context.Context, owner string, m map[string]string) error
	Mapping(ctx context.Context, owner string) (map[string]string, error)
}

// Service turns uploaded files into shipments.
type Service struct {
	Store     Store
	Shipments *shipment.Service
	Log       *slog.Logger
	Now       func() time.Time
	// Sender is the address empty sender columns take (addressbook.Book.DefaultSender); nil: the
	// owner's name, phone and email.
	Sender func(ctx context.Context, o shipment.Owner) (shipment.Address, error)
	// Progress, when set, hears how far a batch's checking has come (the command line's bar).
	Progress func(id string, done, total int)
	// Heartbeat is how often Process renews its lease on a batch; 0 means HeartbeatEvery.
	Heartbeat time.Duration
	// Schedule, when set, puts a batch on the job queue to be processed there (the server sets
	// it); nil: Start processes it at once (the command line).
	Schedule func(ctx context.Context, o shipment.Owner, b *Batch) error
}

// The process working on a batch renews its lease every HeartbeatEvery. A batch whose lease is older
// than staleAfter was interrupted (the process stopped mid-file): nothing of it was stored, it shows
// as interrupted, and uploading the file again processes it afresh at once.
const (
	HeartbeatEvery = 10 * time.Second
	staleAfter     = 30 * time.Second
)

// Upload records a file as a batch to process. The same file uploaded again is the same batch
// (processed at most once); existing says so. The caller then runs Process (at once, or in the
// background while the sender watches the progress).
func (s *Service) Upload(ctx context.Context, o shipment.Owner, filename string, data []byte, opt Options) (*Batch, bool, error) {
	if !o.User.Verified() {
		return nil, false, errs.New(errs.Forbidden, "shipment.verify_first", nil)
	}
	if opt.MaxBytes == 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	switch {
	case len(data) == 0:
		return nil, false, errs.Field("file", KeyEmpty, nil)
	case int64(len(data)) > opt.MaxBytes:
		return nil, false, errs.Field("file", KeyTooLarge, errs.Args{"max_mb": opt.MaxBytes >> 20})
	}
	if opt.Mapping == nil {
		saved, err := s.Store.Mapping(ctx, o.User.ID)
		if err != nil {
			return nil, false, err
		}
		opt.Mapping = saved
	}
	sum := sha256.Sum256(data)
	now := s.Now()
	b := &Batch{ID: account.NewID("bat"), OwnerID: o.User.ID, Mode: o.Mode, Status: Processing, Filename: filename, SHA256: hex.EncodeToString(sum[:]),
		File: data, Options: opt, CreatedAt: now, UpdatedAt: now}
	got, existing, err := s.Store.StartBatch(ctx, b)
	if err != nil {
		return nil, false, err
	}
	// Interrupted, refused or waiting for its columns: the file uploaded again is processed again,
	// with the options it comes with now (another encoding, sheet or mapping). A finished batch
	// created shipments and is only ever answered.
	restart := got.Status == Failed || got.Status == NeedsMapping || got.Status == Processing && now.Sub(got.UpdatedAt) > staleAfter
	if existing && restart {
		got.Options, got.File, got.Filename = opt, data, filename
		got.FileError, got.Errors, got.Headers, got.ShipmentIDs = nil, nil, nil, nil
		if err := s.Store.RestartBatch(ctx, got, now.Add(-staleAfter), now); err == nil {
			return got, false, nil
		}
	}
	return got, existing, nil
}

// Start has an uploaded batch processed: on the job queue when there is one, where it survives a
// restart while the sender watches its progress, else at once.
func (s *Service) Start(ctx context.Context, o shipment.Owner, b *Batch) error {
	if s.Schedule != nil {
		return s.Schedule(ctx, o, b)
	}
	return s.Process(ctx, o, b)
}

// Wait returns the batch once it is no longer processing, or as it stands when ctx ends.
func (s *Service) Wait(ctx context.Context, o shipment.Owner, id string) (*Batch, error) {
	pause := 10 * time.Millisecond
	b, err := s.Get(ctx, o, id)
	for err == nil && b.Status == Processing {
		select {
		case <-ctx.Done():
			return b, nil
		case <-time.After(pause):
		}
		var next *Batch
		if next, err = s.Get(ctx, o, id); err != nil && ctx.Err() != nil {
			return b, nil // as it stood when the wait ended
		}
		b = next
		pause = min(pause*2, 200*time.Millisecond)
	}
	return b, err
}

// Remap processes a batch waiting for its column mapping again, with the sender's mapping, which is
// also saved for their next upload.
func (s *Service) Remap(ctx context.Context, o shipment.Owner, id string, mapping map[string]string) (*Batch, error) {
	b, err := s.Store.Batch(ctx, o.User.ID, o.Mode, id)
	if err != nil {
		return nil, err
	}
	if b.Status != NeedsMapping {
		return nil, errs.New(errs.Conflict, "batch.finished", nil)
	}
	b.Options.Mapping = mapping
	if err := s.Store.RestartBatch(ctx, b, s.Now().Add(-staleAfter), s.Now()); err != nil {
		return nil, err
	}
	if err := s.Store.SaveMapping(ctx, o.User.ID, mapping); err != nil {
		return nil, err
	}
	return b, nil
}

var errStop = errors.New("batch: enough rows read")

// Review reads only a file's header and waits for the sender to confirm or change how its columns
// were matched: the mapping form, before anything is created.
func (s *Service) Review(ctx context.Context, b *Batch) error {
	header, err := Read(bytes.NewReader(b.File), b.Filename, b.Options, func(Row) error { return errStop })
	b.Headers = header.Columns
	var fe *FileError
	if errors.As(err, &fe) && fe.Key != KeyMissingColumn && fe.Key != KeyDuplicateColumn && fe.Key != KeyBadMapping {
		b.FileError, b.Status = &Message{Key: fe.Key, Args: fe.MessageArgs()}, Failed
		return s.Store.EndBatch(ctx, b, s.Now())
	}
	if err != nil && !errors.Is(err, errStop) && fe == nil {
		return err
	}
	b.Status = NeedsMapping
	return s.Store.EndBatch(ctx, b, s.Now())
}

// Recent lists the owner's latest batches, newest first.
func (s *Service) Recent(ctx context.Context, o shipment.Owner, limit int) ([]*Batch, error) {
	return s.Store.Batches(ctx, o.User.ID, o.Mode, limit)
}

// Get returns one of the owner's batches.
func (s *Service) Get(ctx context.Context, o shipment.Owner, id string) (*Batch, error) {
	b, err := s.Store.Batch(ctx, o.User.ID, o.Mode, id)
	if err == nil && b.Status == Processing && s.Now().Sub(b.UpdatedAt) > staleAfter {
		b.Status, b.FileError = Failed, &Message{Key: "batch.interrupted"}
	}
	return b, err
}

// Process reads the batch's file, checks every row as a single label would be checked, and stores all
// its shipments with the result in one transaction: rows that pass become ready labels, rows that do
// not become incomplete labels with their problems, each named by row and column (rule BAT-2). A file
// over 500 rows, or that is not a spreadsheet, is refused whole (BAT-1). sender is the address that
// empty sender columns take.
func (s *Service) Process(ctx context.Context, o shipment.Owner, b *Batch) error {
	if b.Status != Processing {
		return nil
	}
	defer s.heartbeat(ctx, b.ID)()
	sender := shipment.Address{Name: o.User.Name(), Phone: o.User.Phone, Email: o.User.Email, Country: "HK"}
	if s.Sender != nil {
		var err error
		if sender, err = s.Sender(ctx, o); err != nil {
			return err
		}
	}
	var rows []Row
	header, err := Read(bytes.NewReader(b.File), b.Filename, b.Options, func(r Row) error {
		rows = append(rows, r)
		return nil
	})
	b.Headers = header.Columns
	var fe *FileError
	switch {
	case errors.As(err, &fe):
		b.FileError = &Message{Key: fe.Key, Args: fe.MessageArgs()}
		b.Status = Failed
		if fe.Key == KeyMissingColumn || fe.Key == KeyDuplicateColumn || fe.Key == KeyBadMapping {
			b.Status = NeedsMapping
		}
		return s.Store.EndBatch(ctx, b, s.Now())
	case err != nil:
		return err
	}
	b.Rows = len(rows)
	list := make([]*shipment.Shipment, 0, len(rows))
	var rowErrs []RowError
	for i, r := range rows {
		sh, bad := toShipment(r, sender)
		list = append(list, sh)
		rowErrs = append(rowErrs, bad...)
		if (i+1)%50 == 0 || i+1 == len(rows) {
			s.Store.BatchProgress(ctx, b.ID, i+1, len(rows), s.Now())
		}
		if s.Progress != nil {
			s.Progress(b.ID, i+1, len(rows))
		}
	}
	if err := s.Shipments.Prepared(o, list); err != nil {
		return err
	}
	b.Created, b.Incomplete, b.ShipmentIDs = 0, 0, nil
	for i, sh := range list {
		b.ShipmentIDs = append(b.ShipmentIDs, sh.ID)
		for _, p := range sh.Problems {
			rowErrs = append(rowErrs, RowError{Row: rows[i].Number, Column: ColumnFor(p.Field), Key: p.Key, Args: p.Args})
		}
		// A cell that could not even be read makes the row incomplete whatever the checks say.
		if sh.Status == shipment.Ready && hasRow(rowErrs, rows[i].Number) {
			sh.Status, sh.ExpiresAt = shipment.Incomplete, nil
			del := sh.CreatedAt.Add(shipment.IncompleteKept)
			sh.DeleteAfter = &del
		}
		if sh.Status == shipment.Ready {
			b.Created++
		} else {
			b.Incomplete++
		}
	}
	b.Errors, b.RowsDone, b.Status = rowErrs, len(rows), Done
	return s.Store.FinishBatch(ctx, b, list, s.Shipments.Prefix(b.Mode), s.Now())
}

// heartbeat renews the batch's lease every HeartbeatEvery until the returned stop is called.
func (s *Service) heartbeat(ctx context.Context, id string) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		every := s.Heartbeat
		if every <= 0 {
			every = HeartbeatEvery
		}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.Store.RenewBatch(ctx, id, s.Now())
			}
		}
	}()
	return func() { cancel(); <-done }
}

func hasRow(errs []RowError, row int) bool {
	for _, e := range errs {
		if e.Row == row {
			return true
		}
	}
	return false
}

// toShipment reads a row; cells that are not what they should be (a weight that is not a number) are
// row errors of their column.
func toShipment(r Row, defaultSender shipment.Address) (*shipment.Shipment, []RowError) {
	v := r.Values
	var bad []RowError
	fail := func(col, key string) { bad = append(bad, RowError{Row: r.Number, Column: col, Key: key}) }
	num := func(col string) int {
		t := v[col]
		if t == "" {
			return 0
		}
		g, err := catalog.ParseWeight(t, "g")
		if err != nil {
			fail(col, "batch.number")
		}
		return g
	}
	amount := func(col string) money.Cents {
		t := strings.ReplaceAll(strings.TrimPrefix(v[col], "HK$"), ",", "")
		if t == "" {
			return 0
		}
		c, err := money.Parse(t)
		if err != nil {
			fail(col, "quote.insurance.syntax")
		}
		return c
	}
	s := &shipment.Shipment{Service: v["service"], Reference: v["reference"], WeightG: num("weight_g"), Insurance: amount("insurance_amount"),
		Recipient: shipment.Address{Name: v["recipient_name"], Company: v["recipient_company"], City: v["recipient_city"], State: v["recipient_state"],
			PostalCode: v["recipient_postal_code"], Country: v["recipient_country"], Phone: v["recipient_phone"], Email: v["recipient_email"],
			Lines: lines(v["recipient_address_1"], v["recipient_address_2"], v["recipient_address_3"])}}
	if l, w, h := num("length_mm"), num("width_mm"), num("height_mm"); l > 0 || w > 0 || h > 0 {
		s.Dimensions = &catalog.Dimensions{Length: l, Width: w, Height: h}
	}
	s.Sender = shipment.Address{Name: v["sender_name"], Company: v["sender_company"], City: v["sender_city"], Phone: v["sender_phone"], Email: v["sender_email"],
		Country: "HK", Lines: lines(v["sender_address_1"], v["sender_address_2"], v["sender_address_3"])}
	if s.Sender.Name == "" && len(s.Sender.Lines) == 0 && s.Sender.City == "" && s.Sender.Phone == "" && s.Sender.Email == "" && s.Sender.Company == "" {
		s.Sender = defaultSender // empty sender columns take the profile's address
	}
	c := &shipment.Contents{Category: v["contents_category"]}
	for n := 1; n <= 5; n++ {
		p := "item_" + strconv.Itoa(n) + "_"
		if v[p+"description"] == "" && v[p+"quantity"] == "" && v[p+"weight_g"] == "" && v[p+"value"] == "" && v[p+"hs_code"] == "" {
			continue
		}
		a := shipment.Article{Description: v[p+"description"], Currency: v[p+"currency"], HSCode: v[p+"hs_code"], Origin: v[p+"origin_country"], WeightG: num(p + "weight_g"), Value: amount(p + "value")}
		if q := v[p+"quantity"]; q != "" {
			n, err := strconv.Atoi(q)
			if err != nil {
				fail(p+"quantity", "batch.whole_number")
			}
			a.Quantity = n
		}
		if a.Currency == "" {
			a.Currency = "HKD"
		}
		c.Items = append(c.Items, a)
	}
	if c.Category != "" || len(c.Items) > 0 {
		s.Contents = c
	}
	return s, bad
}

func lines(ls ...string) []string {
	var out []string
	for _, l := range ls {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

var (
	itemPath  = regexp.MustCompile(`^contents\.items\[(\d+)\]\.(.+)$`)
	linePath  = regexp.MustCompile(`^(sender|recipient)\.address_lines(?:\[(\d)\])?$`)
	fieldName = map[string]string{"description": "description", "quantity": "quantity", "weight_g": "weight_g", "value": "value",
		"value.currency": "currency", "hs_code": "hs_code", "origin_country": "origin_country"}
)

// ColumnFor names the template column a shipment field comes from: "contents.items[2].hs_code" is
// item_3_hs_code, "recipient.postal_code" is recipient_postal_code.
func ColumnFor(path string) string {
	if m := itemPath.FindStringSubmatch(path); m != nil {
		i, _ := strconv.Atoi(m[1])
		name := fieldName[m[2]]
		if name == "" {
			name = "description"
		}
		return fmt.Sprintf("item_%d_%s", i+1, name)
	}
	if m := linePath.FindStringSubmatch(path); m != nil {
		k, _ := strconv.Atoi(m[2])
		return fmt.Sprintf("%s_address_%d", m[1], k+1)
	}
	switch path {
	case "dimensions_mm", "dimensions_mm.length":
		return "length_mm"
	case "dimensions_mm.width":
		return "width_mm"
	case "dimensions_mm.height":
		return "height_mm"
	case "insurance":
		return "insurance_amount"
	case "contents", "contents.category", "contents.items", "contents.explanation":
		return "contents_category"
	}
	return strings.ReplaceAll(path, ".", "_")
}
