package soap_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/soap"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// zeepPython finds a python3 that has zeep (python3-zeep): the first python3 on PATH may be
// another installation than the system's.
func zeepPython(t *testing.T) string {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import zeep").Run() == nil {
			return py
		}
	}
	testenv.Missing(t, "python3 with zeep", "apt-get install -y python3-zeep")
	return ""
}

type zeepResponse struct {
	Status         int    `json:"status"`
	ErrMsg         string `json:"errMsg"`
	ItemCount      int    `json:"itemCount"`
	DeliveryResult []struct {
		ItemNo          string `json:"itemNo"`
		Status          int    `json:"status"`
		PostingDateTime string `json:"postingDateTime"`
		MilestoneE      string `json:"milestone_e"`
		MilestoneC      string `json:"milestone_c"`
		DestCntyE       string `json:"destCnty_e"`
		EventDetail     []struct {
			EventDateTime    string `json:"eventDateTime"`
			EventLocationE   string `json:"eventLocation_e"`
			EventLocationCod string `json:"eventLocation_code"`
			EventMsgE        string `json:"eventMsg_e"`
			EventMsgS        string `json:"eventMsg_s"`
		} `json:"eventDetail"`
	} `json:"deliveryResult"`
}

// rule: TRK-1, TRK-2, TRK-4
// A standard SOAP toolkit builds a working client from the WSDL alone and signs with a digest.
func TestZeepClient(t *testing.T) {
	py := zeepPython(t)
	st := storetest.Open(t, storetest.DSNs(t)["sqlite"])
	// zeep stamps its token with the real clock: the data is laid out around it.
	e := newEnv(t, st, time.Now().Truncate(time.Minute))
	mux := http.NewServeMux()
	soap.RegisterMailTrack(mux, e.m)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	run := func(lang string, items ...string) zeepResponse {
		t.Helper()
		return runAs(t, py, srv.URL, e.live.Username, e.live.Password, lang, items...)
	}
	r := run("A", e.delivered, e.rivalItem)
	if r.Status != 0 || r.ItemCount != 2 || len(r.DeliveryResult) != 2 {
		t.Fatalf("zeep: %+v", r)
	}
	d := r.DeliveryResult[0]
	if d.ItemNo != e.delivered || d.Status != 0 || d.MilestoneE != "Delivered" || d.MilestoneC != "已成功派遞" || d.DestCntyE != "JAPAN" || d.PostingDateTime == "" {
		t.Errorf("delivered item through zeep: %+v", d)
	}
	if n := len(d.EventDetail); n != 6 {
		t.Fatalf("%d events; want 6", n)
	}
	if ev := d.EventDetail[5]; ev.EventMsgE != "Delivered" || ev.EventLocationE != "JAPAN" || ev.EventLocationCod != "JP" || ev.EventMsgS == "" || ev.EventDateTime == "" {
		t.Errorf("last event through zeep: %+v", ev)
	}
	if r.DeliveryResult[1].Status != 1004 {
		t.Errorf("another sender's item through zeep: %d; want 1004", r.DeliveryResult[1].Status)
	}
	// rule: TRK-3
	// Every other status code, each through the client the WSDL builds.
	r = run("E", e.unknown, "HELLO", e.old)
	for i, want := range []int{1001, 1002, 1003} {
		if r.Status != 0 || len(r.DeliveryResult) != 3 || r.DeliveryResult[i].Status != want {
			t.Errorf("item codes through zeep: %+v; want %d at %d", r, want, i)
		}
	}
	thirtyOne := make([]string, 31)
	for i := range thirtyOne {
		thirtyOne[i] = e.delivered
	}
	for _, c := range []struct {
		want int
		call func() zeepResponse
	}{
		{9992, func() zeepResponse { return runAs(t, py, srv.URL, e.live.Username, "WRONGPASS1", "A", e.delivered) }},
		{9993, func() zeepResponse {
			return runAs(t, py, srv.URL, e.live.Username, e.live.Password, "A", "--raw", "<Envelope><Body><getItemDeliveryStatus>")
		}},
		{9995, func() zeepResponse { return run("A", thirtyOne...) }},
		{9996, func() zeepResponse { return run("X", e.delivered) }},
		{9997, func() zeepResponse { return run("A") }},
		{9998, func() zeepResponse {
			return runAs(t, py, srv.URL, e.live.Username, e.live.Password, "A", "--as", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", e.delivered)
		}},
	} {
		if r := c.call(); r.Status != c.want || r.ItemCount != 0 || r.ErrMsg == "" {
			t.Errorf("through zeep: %+v; want %d", r, c.want)
		}
	}
	// The limits: a second call within a 1-hour interval (9991), then one with the day's quota spent
	// (9994).
	e.m.MinInterval = time.Hour
	if r := run("A", e.delivered); r.Status != 0 {
		t.Errorf("the first call with the limits on: %+v; want 0", r)
	}
	if r := run("A", e.delivered); r.Status != 9991 {
		t.Errorf("too soon through zeep: %+v; want 9991", r)
	}
	e.m.MinInterval, e.m.DailyLimit = 0, 1
	if r := run("A", e.delivered); r.Status != 9994 {
		t.Errorf("over the daily limit through zeep: %+v; want 9994", r)
	}
	e.m.DailyLimit = 0
	st.Close()
	if r := run("A", e.delivered); r.Status != 9999 || r.ErrMsg == "" {
		t.Errorf("database down through zeep: %+v; want 9999", r)
	}
}

// runAs calls getItemDeliveryStatus with the zeep client built from the server's WSDL.
func runAs(t *testing.T, py, base, username, password, lang string, items ...string) zeepResponse {
	t.Helper()
	{
		args := append([]string{"testdata/zeep_client.py", base + soap.MailTrackPath + "?wsdl", username, password, lang}, items...)
		cmd := exec.Command(py, args...)
		out, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("zeep: %v\n%s", err, stderr)
		}
		var r zeepResponse
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("zeep's answer %s: %v", out, err)
		}
		return r
	}
}
