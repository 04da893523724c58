package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/store/storetest"
)

func TestBatchUploadCommand(t *testing.T) {
	dsn := storetest.DSNs(t)["sqlite"]
	env := map[string]string{"ECSHIP_DB": dsn, "ECSHIP_DATA": t.TempDir()}
	if code, _, errOut := run(t, env, "user", "add", "--email", "bulk@example.hk", "--password", "harbour-view-8"); code != 0 {
		t.Fatalf("user add: %s", errOut)
	}
	var sb strings.Builder
	sb.WriteString("service,reference,weight_g,sender_name,sender_address_1,sender_city,sender_phone,recipient_name,recipient_address_1,recipient_city,recipient_state,recipient_postal_code,recipient_country,contents_category,item_1_description,item_1_quantity,item_1_weight_g,item_1_value,item_1_currency,item_1_hs_code,item_1_origin_country\n")
	for range 120 {
		sb.WriteString("AEX,CLI,450,陳大文,8 Nathan Road,Kowloon,85291234567,Jane Doe,350 Fifth Avenue,New York,NY,10118,US,sale,Silk scarf,2,300,380.00,HKD,621410,HK\n")
	}
	file := filepath.Join(t.TempDir(), "orders.csv")
	writeFile(t, file, sb.String())
	code, out, errOut := run(t, env, "batch", "upload", file, "--user", "bulk@example.hk")
	if code != 0 {
		t.Fatalf("batch upload: %d %s", code, errOut)
	}
	var res struct {
		Status  string
		Created int
	}
	if json.Unmarshal([]byte(out), &res) != nil || res.Status != "done" || res.Created != 120 {
		t.Errorf("result %+v\n%s", res, out)
	}
	if !strings.Contains(errOut, "[##############################] 120/120 rows") {
		t.Errorf("no progress bar on stderr: %q", errOut)
	}
	// Again: the same batch, nothing created twice.
	_, _, errOut = run(t, env, "batch", "upload", file, "--user", "bulk@example.hk")
	if !strings.Contains(errOut, "uploaded before") {
		t.Errorf("second upload: %q", errOut)
	}
	if code, _, errOut := run(t, env, "batch", "upload", file, "--user", "nobody@example.hk"); code != ExitUsage || !strings.Contains(errOut, "--user") {
		t.Errorf("unknown user: %d %q", code, errOut)
	}
}
