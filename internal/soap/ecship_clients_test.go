package soap_test

import (
	"encoding/json"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/soap"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// runJSON runs a client program and decodes the JSON it prints.
func runJSON(t *testing.T, v any, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("%s: %v\n%s\n%s", name, err, out, stderr)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("%s printed %s: %v", name, out, err)
	}
}

type clientReturn struct {
	Status       json.Number `json:"status"`
	ErrMessage   string      `json:"errMessage"`
	TotalPostage json.Number `json:"totalPostage"`
	ItemNo       string      `json:"itemNo"`
	OrderNo      string      `json:"orderNo"`
	OrderStatus  string      `json:"orderStatus"`
	TTStatus     string      `json:"ttStatus"`
	PDF          string      `json:"pdf"`
	Bytes        int         `json:"bytes"`
}

// rule: API-1, API-3
// The standard toolkits work from the WSDLs alone: python3-zeep and PHP's SoapClient in WSDL mode
// (as shop plugins use it), each signing with a PasswordDigest, on both databases.
func TestECShipRealClients(t *testing.T) {
	py := zeepPython(t)
	php, err := exec.LookPath("php")
	if err == nil && exec.Command(php, "-r", "exit(class_exists('SoapClient') ? 0 : 1);").Run() != nil {
		err = exec.ErrNotFound
	}
	if err != nil {
		testenv.Missing(t, "php with the soap extension", "apt-get install -y php-cli php-soap")
	}
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		// The clients stamp their tokens with the real clock: the data is laid out around it.
		e := newECEnv(t, st, time.Now().Truncate(time.Minute))
		srv := httptest.NewServer(e.mux)
		defer srv.Close()
		base := srv.URL + soap.ECShipLivePath
		shop := shipment.Owner{User: e.shop, Mode: account.Live}

		var z map[string]clientReturn
		runJSON(t, &z, py, "testdata/ecship_zeep.py", base, e.shopLive.Username, e.shopLive.Password, "shop", e.delivered)
		for _, step := range []string{"quote", "order", "info", "pack", "tt", "mtt", "cancel"} {
			if z[step].Status.String() != "0" {
				t.Errorf("zeep %s: %+v", step, z[step])
			}
		}
		if z["quote"].TotalPostage.String() == "" || z["order"].ItemNo == "" || z["info"].OrderStatus != "ready" ||
			z["pack"].PDF != "%PDF-" || z["pack"].Bytes < 5000 || z["mtt"].TTStatus != "5" {
			t.Errorf("zeep: %+v", z)
		}
		if sh, err := e.ship.Get(ctx, shop, z["order"].OrderNo); err != nil || sh.Status != shipment.Cancelled || sh.PrintedAt == nil {
			t.Errorf("zeep's order after printing and cancelling: %+v %v", sh, err)
		}

		var p map[string]clientReturn
		runJSON(t, &p, php, "testdata/ecship_soapclient.php", base, e.shopLive.Username, e.shopLive.Password, "shop")
		for _, step := range []string{"quote", "order", "pack", "cancel"} {
			if p[step].Status.String() != "0" {
				t.Errorf("PHP %s: %+v", step, p[step])
			}
		}
		if p["order"].ItemNo == "" || !strings.HasPrefix(p["pack"].PDF, "%PDF") || p["quote"].ErrMessage != "Success" {
			t.Errorf("PHP: %+v", p)
		}
		if sh, err := e.ship.Get(ctx, shop, p["order"].OrderNo); err != nil || sh.Status != shipment.Cancelled || sh.Reference != "PHP-1" {
			t.Errorf("PHP's order: %+v %v", sh, err)
		}
	})
}

// rule: API-1
// .NET's toolkits (Mono's wsdl, for ASMX clients, and svcutil, for WCF) import every service's
// WSDL without a warning, and the proxies they write compile.
func TestECShipDotNetProxies(t *testing.T) {
	for _, tool := range []string{"wsdl", "svcutil", "mcs"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, tool+" (Mono)", "apt-get install -y mono-devel")
		}
	}
	st := storetest.Open(t, storetest.DSNs(t)["sqlite"])
	e := newECEnv(t, st, monday)
	srv := httptest.NewServer(e.mux)
	defer srv.Close()
	for _, svc := range []string{soap.ServiceCalculator, soap.ServicePosting, soap.ServiceTracking, soap.ServiceSoazPosting} {
		dir := t.TempDir()
		url := srv.URL + soap.ECShipLivePath + "/" + svc + "?wsdl"
		for _, step := range []struct {
			name string
			args []string
		}{
			{"wsdl", []string{"-nologo", "-out:asmx.cs", url}},
			{"svcutil", []string{url}},
			{"mcs", []string{"-nologo", "-target:library", "-r:System.Web.Services", "-r:System.Xml", "-out:asmx.dll", "asmx.cs"}},
			{"mcs", []string{"-nologo", "-target:library", "-r:System.ServiceModel", "-r:System.Runtime.Serialization", "-r:System.Xml", "-out:wcf.dll", "output.cs"}},
		} {
			cmd := exec.Command(step.name, step.args...)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil || strings.Contains(strings.ToLower(string(out)), "warning") || strings.Contains(strings.ToLower(string(out)), "error") {
				t.Errorf("%s: %s %s: %v\n%s", svc, step.name, strings.Join(step.args, " "), err, out)
			}
		}
	}
}
