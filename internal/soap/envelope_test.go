package soap

import (
	"strings"
	"testing"
)

func TestReadEnvelopeTakesTheTokenAndLeaves(t *testing.T) {
	doc := `<?xml version="1.0"?>
<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Header>
<wsse:Security xmlns:wsse="x" xmlns:wsu="y"><wsu:Timestamp><wsu:Created>2001-01-01T00:00:00Z</wsu:Created></wsu:Timestamp>
<wsse:UsernameToken><wsse:Username> shopapi </wsse:Username><wsse:Password Type="z#PasswordDigest">abc=</wsse:Password>
<wsse:Nonce>bm9uY2U=</wsse:Nonce><wsu:Created>2026-11-23T02:00:00Z</wsu:Created></wsse:UsernameToken></wsse:Security>
</S:Header><S:Body><op><a>1</a><b><c>2 &amp; 3</c><d/></b></op><ignored><e>x</e></ignored></S:Body></S:Envelope>`
	env, err := readEnvelope([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	tok := env.Token
	if !tok.present || tok.Username != " shopapi " || tok.Password != "abc=" || tok.PasswordType != "z#PasswordDigest" || tok.Nonce != "bm9uY2U=" || tok.Created != "2026-11-23T02:00:00Z" {
		t.Errorf("token %+v (the Timestamp's Created is not the token's)", tok)
	}
	var got []string
	for _, l := range env.Leaves {
		got = append(got, l.name+"="+l.value)
	}
	if env.Op != "op" || strings.Join(got, ",") != "a=1,c=2 & 3,d=" {
		t.Errorf("op %q leaves %v", env.Op, got)
	}
}

func TestPasswordDigest(t *testing.T) {
	// The example of the WS-Security UsernameToken Profile's digest: base64(sha1(nonce + created +
	// password)), checked against an independent computation in the test helpers too.
	tok := usernameToken{present: true, Username: "u", PasswordType: "...#PasswordDigest", Nonce: "bm9uY2U=", Created: "2026-11-23T02:00:00Z"}
	tok.Password = passwordDigest([]byte("nonce"), tok.Created, "Secret-123")
	if _, ok := tok.digestNonce("Secret-123"); !ok {
		t.Error("good digest refused")
	}
	if _, ok := tok.digestNonce("Secret-124"); ok {
		t.Error("digest of another password accepted")
	}
	// The nonce is its bytes: the same bytes written otherwise are the same nonce.
	for _, other := range []string{"bm9u\nY2U=", " bm9uY2U=\r\n", "bm9uY2V="} {
		t2 := tok
		t2.Nonce = other
		if n, ok := t2.digestNonce("Secret-123"); !ok || n != "bm9uY2U=" {
			t.Errorf("nonce written %q: %q %v; want the same nonce bm9uY2U=", other, n, ok)
		}
	}
	tok.Created = "2026-11-23T02:00:01Z" // the digest covers Created as sent
	if _, ok := tok.digestNonce("Secret-123"); ok {
		t.Error("digest accepted with another Created")
	}
}

// FuzzReadEnvelope: any input is read or refused with a format error, never a panic, in bounded work.
func FuzzReadEnvelope(f *testing.F) {
	f.Add([]byte(`<Envelope><Header><Security><UsernameToken><Username>u</Username><Password>p</Password></UsernameToken></Security></Header><Body><getItemDeliveryStatus><integratorUsername>u</integratorUsername><lang>A</lang><itemNo>EE000000014HK</itemNo></getItemDeliveryStatus></Body></Envelope>`))
	f.Add([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`))
	f.Add([]byte(`<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>`))
	f.Add([]byte(strings.Repeat("<a>", 40)))
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := readEnvelope(b)
		if err != nil {
			if _, ok := err.(*errFormat); !ok {
				t.Fatalf("error %T %v; want a format error", err, err)
			}
			return
		}
		if env.Op == "" {
			t.Fatal("an envelope without an operation accepted")
		}
	})
}
