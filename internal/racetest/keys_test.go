package racetest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
)

// keyedRounds is how many labels are cancelled under one key from both servers at once.
const keyedRounds = 50

// keyedRetriesOnBothServers sends each label's cancellation with one Idempotency-Key to both
// servers at the same moment: the label is cancelled once, and both callers get the same answer,
// the later one marked replayed. Without the key one of them would be told the label is already
// cancelled (409). Then a 20-label create is retried with its key five times on each server at
// once: 20 labels.
func (h *harness) keyedRetriesOnBothServers(ctx context.Context, round, n int, r *results) error {
	labels, err := h.createLabels(ctx, fmt.Sprintf("KEYED-%d", round), n, lightG)
	if err != nil {
		return err
	}
	err = forEach(n, workers/2, func(w, i int) error {
		key := newKey()
		var replies [2]reply
		var errs [2]error
		race(func() {
			replies[0], errs[0] = h.sender[0].call(ctx, "POST", "/api/v1/shipments/"+labels[i].ID+"/cancel", nil, "Idempotency-Key", key)
		}, func() {
			replies[1], errs[1] = h.sender[1].call(ctx, "POST", "/api/v1/shipments/"+labels[i].ID+"/cancel", nil, "Idempotency-Key", key)
		})
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
		a, b := replies[0], replies[1]
		outcome := fmt.Sprintf("cancel %d and %d, %d replayed", a.Code, b.Code, count(a.Replayed, b.Replayed))
		r.keyed.add(outcome)
		if a.Code != http.StatusOK || b.Code != http.StatusOK || !bytes.Equal(a.Body, b.Body) || a.Replayed == b.Replayed {
			r.keyed.violate("label %s cancelled under one key on both servers: %v (replayed %v) and %v (replayed %v)", labels[i].ID, a, a.Replayed, b, b.Replayed)
		}
		return nil
	})
	if err != nil {
		return err
	}

	in := struct {
		Shipments []shipmentIn `json:"shipments"`
	}{}
	ref := fmt.Sprintf("KEYED-CREATE-%d", round)
	for i := range 20 {
		in.Shipments = append(in.Shipments, label(fmt.Sprintf("%s-%d", ref, i), lightG))
	}
	key := newKey()
	created := map[string]bool{}
	var bodies [10][]byte
	err = forEach(len(bodies), len(bodies), func(w, i int) error {
		rep, err := h.sender[i%2].call(ctx, "POST", "/api/v1/shipments", in, "Idempotency-Key", key)
		if err != nil {
			return err
		}
		if err := rep.expect(http.StatusCreated); err != nil {
			return err
		}
		bodies[i] = rep.Body
		return nil
	})
	if err != nil {
		return err
	}
	for i, b := range bodies {
		var got struct {
			Data []shipmentOut `json:"data"`
		}
		if err := (reply{Body: b}).decode(&got); err != nil {
			return err
		}
		for _, sh := range got.Data {
			created[sh.ID] = true
		}
		if len(got.Data) != 20 {
			r.keyed.violate("keyed create, try %d: %d labels answered", i, len(got.Data))
		}
	}
	rows, err := h.rowsOf(ctx, `SELECT id FROM shipments WHERE reference LIKE $1`, ref+"-%")
	if err != nil {
		return err
	}
	if len(rows) != 20 || len(created) != 20 {
		r.keyed.violate("a 20-label create retried ten times on two servers made %d labels (%d answered); want 20", len(rows), len(created))
	}
	return nil
}

func count(flags ...bool) int {
	n := 0
	for _, f := range flags {
		if f {
			n++
		}
	}
	return n
}
