package soap

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/label"
	"github.com/ecship/ecship/internal/s10"
	"github.com/ecship/ecship/internal/shipment"
)

// createOrder creates one label, all or nothing, as the REST API's POST /shipments does; a
// temporary order is a draft (kept with its problems, priced and numbered once complete). The
// orderNo is the label's id. A retry with the same refNo and the same content within a day answers
// the first order instead of creating a second (shipment.CreateOnce).
func (e *ECShip) createOrder(ctx context.Context, c *ecCall, temporary bool) ecReply {
	if pf := strings.ToUpper(c.get("payFlag")); pf == "OC" || c.get("creditCardNo") != "" {
		return ecReply{status: ecNotSupported,
			msg: "payFlag: card payment over SOAP is not offered; the order is paid in the portal, over the REST API or at the counter"}
	}
	sh, fe := e.order(c)
	return e.create(ctx, c, sh, fe, temporary, orderField)
}

// create stores an order read from a request, or answers why not with the request's field names
// (rename). A reference makes retries count once: the same reference and content within a day
// answer the first order.
func (e *ECShip) create(ctx context.Context, c *ecCall, sh *shipment.Shipment, fe errs.Fields, temporary bool, rename func(string) string) ecReply {
	if err := fe.Err(); err != nil {
		return replyErr(err, rename)
	}
	key := ""
	if sh.Reference != "" {
		ref := sha256.Sum256([]byte(sh.Reference)) // any length of reference makes a key of one size
		key = "ecship-ref:" + c.op.name + ":" + hex.EncodeToString(ref[:]) + ":" + shipment.Fingerprint([]*shipment.Shipment{sh}, temporary)
	}
	list, _, err := e.Shipments.CreateOnce(ctx, c.owner, []*shipment.Shipment{sh}, temporary, key)
	if err != nil {
		return replyErr(err, rename)
	}
	if len(list) == 0 {
		return replyErr(errs.New(errs.Internal, "error.internal", nil), rename)
	}
	sh = list[0]
	rep := okReply("Success")
	if len(sh.Problems) > 0 {
		var parts []string
		for _, p := range sh.Problems {
			parts = append(parts, rename(p.Field)+": "+translate(errs.Message{Key: p.Key, Args: p.Args}))
		}
		rep.msg = "Saved with problems: " + strings.Join(parts, "; ")
	}
	orderValues(rep.values, sh)
	return rep
}

// orderValues fills a Return's order fields from a label.
func orderValues(v map[string]string, sh *shipment.Shipment) {
	v["orderNo"] = sh.ID
	v["itemNo"] = sh.ItemNo
	if sh.Status != shipment.Incomplete {
		v["deliveryCharge"] = (sh.Postage + sh.Fees).String()
		v["insurPermFee"] = sh.Premium.String()
	}
}

// findOrder finds one of the sender's labels by orderNo (its id) or by itemNo.
func (e *ECShip) findOrder(ctx context.Context, c *ecCall, orderNo, itemNo string) (*shipment.Shipment, ecReply, bool) {
	switch {
	case orderNo != "":
		sh, err := e.Shipments.Get(ctx, c.owner, orderNo)
		if err != nil {
			return nil, replyErr(err, orderField), false
		}
		if itemNo != "" && !strings.EqualFold(strings.ReplaceAll(itemNo, " ", ""), sh.ItemNo) {
			return nil, ecReply{status: ecNotFound, msg: "itemNo is not the order's"}, false
		}
		return sh, ecReply{}, true
	case itemNo != "":
		sh, err := e.byItemNo(ctx, c, itemNo)
		if err != nil {
			return nil, replyErr(err, orderField), false
		}
		return sh, ecReply{}, true
	}
	return nil, fieldErr("orderNo", "soap.ecship.required", nil), false
}

// byItemNo finds one of the sender's labels by its item number.
func (e *ECShip) byItemNo(ctx context.Context, c *ecCall, raw string) (*shipment.Shipment, error) {
	no, err := s10.Parse(raw)
	if err != nil {
		return nil, errs.Field("itemNo", "soap.ecship.item_no", errs.Args{"value": raw})
	}
	list, _, err := e.Shipments.List(ctx, c.owner, shipment.Filter{ItemNo: no.String(), Limit: 1})
	if err != nil {
		return nil, err
	}
	for _, sh := range list {
		if sh.ItemNo == no.String() {
			return sh, nil
		}
	}
	return nil, errs.New(errs.NotFound, "error.not_found", nil)
}

// cancelOrder cancels a label through the state machine: before the settlement its payment's
// capture is voided; after it, a refund application is opened. A temporary order not yet complete
// is deleted.
func (e *ECShip) cancelOrder(ctx context.Context, c *ecCall, temporary bool) ecReply {
	itemNo := ""
	if !temporary {
		itemNo = c.get("itemNo")
	}
	sh, rep, ok := e.findOrder(ctx, c, c.get("orderNo"), itemNo)
	if !ok {
		return rep
	}
	if sh.Status == shipment.Incomplete {
		if err := e.Shipments.Delete(ctx, c.owner, sh.ID); err != nil {
			return replyErr(err, orderField)
		}
		return okReply("Success")
	}
	done, err := e.Payments.Cancel(ctx, c.owner, sh.ID, false)
	if err != nil {
		return replyErr(err, orderField)
	}
	rep = okReply("Success")
	if done.Refund != nil {
		rep.msg = "Cancelled; refund application " + done.Refund.ID + " opened for " + done.Refund.Amount.String()
	}
	return rep
}

// getOrderInfo answers a label's details and state.
func (e *ECShip) getOrderInfo(ctx context.Context, c *ecCall, temporary bool) ecReply {
	sh, rep, ok := e.findOrder(ctx, c, c.get("orderNo"), "")
	if !ok {
		return rep
	}
	rep = okReply("Success")
	orderValues(rep.values, sh)
	v := rep.values
	v["orderStatus"] = string(sh.Status)
	v["shipCode"] = sh.Service
	v["countryCode"] = e.hkpCountry(sh.Recipient.Country)
	v["recipientName"] = sh.Recipient.Name
	v["refNo"] = sh.Reference
	if sh.WeightG > 0 {
		v["weight"] = decimalKG(sh.WeightG)
	}
	v["createDate"] = sh.CreatedAt.In(catalog.HongKong).Format(time.DateTime)
	if sh.PostedAt != nil {
		v["postingDate"] = sh.PostedAt.In(catalog.HongKong).Format(time.DateTime)
	}
	return rep
}

// hkpCountry is a destination's first Hongkong Post code (HKG for Hong Kong).
func (e *ECShip) hkpCountry(iso string) string {
	if d, ok := e.Catalog.Destination(iso); ok && len(d.HKPCodes) > 0 {
		return d.HKPCodes[0]
	}
	return iso
}

// itemNos reads a list of item numbers: item elements inside itemNo, or itemNo itself.
func (c *ecCall) itemNos() []string {
	var out []string
	for _, l := range c.leaves {
		v := strings.TrimSpace(l.value)
		if v != "" && (l.parent == "itemNo" || l.name == "itemNo" && l.group == 0) {
			out = append(out, v)
		}
	}
	return out
}

// MaxAddressPack is how many labels one getAddressPack answers.
const MaxAddressPack = 50

// getAddressPack prints labels: the same PDF as the REST API's, one label a page (printMode 0) or
// several on A4 sheets (printMode 2). Printing is a change of state (the label can no longer be
// edited), as POST /api/v1/shipments/{id}/print.
func (e *ECShip) getAddressPack(ctx context.Context, c *ecCall) ecReply {
	rep := e.addressPack(ctx, c, c.itemNos())
	if rep.status == ecOK {
		rep.values["ap"] = rep.values["pdf"]
	}
	return rep
}

// addressPack prints the labels of item numbers into one PDF (rep.values["pdf"], base64).
func (e *ECShip) addressPack(ctx context.Context, c *ecCall, nos []string) ecReply {
	layout := ""
	switch pm := c.get("printMode"); pm {
	case "", "0":
	case "2":
		layout = "a4"
	default:
		return fieldErr("printMode", "soap.ecship.print_mode", errs.Args{"value": pm})
	}
	switch {
	case len(nos) == 0:
		return fieldErr("itemNo", "soap.ecship.required", nil)
	case len(nos) > MaxAddressPack:
		return fieldErr("itemNo", "soap.ecship.too_many", errs.Args{"max": MaxAddressPack})
	}
	ids := make([]string, len(nos))
	for i, no := range nos {
		sh, err := e.byItemNo(ctx, c, no)
		if err != nil {
			rep := replyErr(err, orderField)
			if rep.status == ecNotFound {
				rep.msg = "itemNo " + no + " is not one of the sender's labels"
			}
			return rep
		}
		ids[i] = sh.ID
	}
	list, err := e.Shipments.Print(ctx, c.owner, ids)
	if err != nil {
		return replyErr(err, orderField)
	}
	pdf, err := shipment.RenderLabels(e.Catalog, list, layout, false)
	if err != nil {
		return replyErr(err, orderField)
	}
	rep := okReply("Success")
	rep.values["pdf"] = pdfValue(pdf)
	return rep
}

// getCOP answers the certificate of posting of a posted item, a PDF.
func (e *ECShip) getCOP(ctx context.Context, c *ecCall) ecReply {
	no := c.get("itemNo")
	if no == "" {
		return fieldErr("itemNo", "soap.ecship.required", nil)
	}
	sh, err := e.byItemNo(ctx, c, no)
	if err != nil {
		return replyErr(err, orderField)
	}
	cert, err := sh.Certificate(e.Catalog, i18n.English)
	if err != nil {
		return replyErr(err, orderField)
	}
	var pdf bytes.Buffer
	if err := label.RenderReceipt(&pdf, cert); err != nil {
		return replyErr(err, orderField)
	}
	rep := okReply("Success")
	rep.values["COP"] = pdfValue(pdf.Bytes())
	return rep
}

// getItemNo finds the sender's item numbers by reference (searchType REF_NO, the only search):
// oldest first with sortOrder ASC, else newest first. Labels not yet numbered are left out.
func (e *ECShip) getItemNo(ctx context.Context, c *ecCall) ecReply {
	switch t := strings.ToUpper(c.get("searchType")); t {
	case "", "REF_NO":
	default:
		return fieldErr("searchType", "soap.ecship.search_type", errs.Args{"value": t})
	}
	ref := c.get("searchParam")
	if ref == "" {
		return fieldErr("searchParam", "soap.ecship.required", nil)
	}
	list, _, err := e.Shipments.List(ctx, c.owner, shipment.Filter{Reference: ref, Limit: MaxAddressPack})
	if err != nil {
		return replyErr(err, orderField)
	}
	rep := okReply("Success")
	var nos []string
	for _, sh := range list {
		if sh.Reference == ref && sh.ItemNo != "" {
			nos = append(nos, sh.ItemNo)
		}
	}
	if strings.EqualFold(c.get("sortOrder"), "ASC") {
		slices.Reverse(nos)
	}
	if len(nos) == 0 {
		return ecReply{status: ecNotFound}
	}
	rep.lists = map[string][]string{"itemNo": nos}
	return rep
}
