package app_test

import (
	"context"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ecship/ecship/internal/store/storetest"
)

// A newcomer registers, verifies the email, signs out and in, changes language and links an EC-Ship
// account; then a Stamp OnNet member upgrades and is signed in once: all in a real Chromium.
//
// rule: ACC-1, ACC-6, ACC-7, ACC-8
func TestBrowserHongkongPostID(t *testing.T) {
	ctx := browser(t)
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	if err := a.Demo(context.Background(), io.Discard); err != nil {
		t.Fatal(err)
	}
	fill := func(id, v string) chromedp.Action[chromedp.Void] { return chromedp.SendKeys(chromedp.ID(id), v) }
	click := func(css string) chromedp.Action[chromedp.Void] { return chromedp.Click(chromedp.CSS(css)) }

	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/register?lang=en"),
		chromedp.WaitVisible(chromedp.ID("login_name")),
		fill("login_name", "ChanSiuMing"), fill("password", "harbour-view-8"),
		fill("email", "sm@example.hk"), fill("email_confirm", "sm@example.hk"),
		fill("first_name", "Siu Ming"), fill("last_name", "Chan"), fill("phone", "98765432"),
		click(`form[action="/register"] button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`.banner.warn`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "account-unverified.png")
	_, body := lastMail(t, a, "sm@example.hk")
	link := regexp.MustCompile(`http://\S+/verify\?token=[a-z0-9]+`).FindString(body)
	if link == "" {
		t.Fatalf("no link in %q", body)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`p.good`)),
		chromedp.Navigate(base+"/account"),
		chromedp.WaitVisible(chromedp.ID("profile-h")),
		click(`form.signout button`),
		chromedp.WaitVisible(chromedp.CSS(`.top nav a[href="/login"]`)),
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		fill("login", "chansiuming"), fill("password", "harbour-view-8"),
		click(`form[action="/login"] button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`.tabs`)), // a sender starts at their labels
		chromedp.Navigate(base+"/account"),
		chromedp.WaitVisible(chromedp.ID("profile-h")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if n := must(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.banner.warn').length`)); n != 0 {
		t.Error("still shown as unverified after the link")
	}
	// Change the language to Traditional Chinese on the profile.
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("lang"), "zh-Hant"),
		click(`form[action="/account/profile"] button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="zh-Hant"] #profile-h`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if h := must(t, ctx, chromedp.Text(chromedp.ID("profile-h"))); h != "個人資料及語言" {
		t.Errorf("profile heading %q after choosing Traditional Chinese", h)
	}
	// Link the EC-Ship account.
	err = chromedp.Do(ctx,
		click(`input[name=system][value=ecship]`),
		fill("link_login", "HKTRADER01"), fill("link_password", "ecship-old-2019"),
		click(`form[action="/account/links"] button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`li[data-system="ecship"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "account-linked.png")

	// A Stamp OnNet member whose old login is not a valid login name upgrades.
	err = chromedp.Do(ctx,
		click(`form.signout button`),
		chromedp.WaitVisible(chromedp.CSS(`.top nav a[href="/login"]`)),
		chromedp.Navigate(base+"/upgrade?lang=en"),
		chromedp.WaitVisible(chromedp.ID("login")),
		fill("login", "stamp.fan"), fill("password", "first-day-covers"),
		click(`form[action="/upgrade"] button[type=submit]`),
		chromedp.WaitVisible(chromedp.ID("login_name")),
	)
	if err != nil {
		t.Fatal(err)
	}
	prefilled := must(t, ctx, chromedp.Evaluate[string](`document.getElementById('email').value + '|' + document.getElementById('first_name').value + '|' + document.getElementById('login_name').value`))
	if prefilled != "stamp.fan@example.hk|Siu Ming|" {
		t.Errorf("prefilled details %q; want the old email and name, and no login name (stamp.fan is not valid)", prefilled)
	}
	screenshot(t, ctx, "upgrade-details.png")
	err = chromedp.Do(ctx,
		fill("login_name", "stampfan2026"),
		click(`form[action="/upgrade/details"] button[type=submit]`),
		chromedp.WaitVisible(chromedp.ID("profile-h")),
	)
	if err != nil {
		t.Fatal(err)
	}
	who := must(t, ctx, chromedp.Text(chromedp.CSS(`.signout .who`)))
	notice := must(t, ctx, chromedp.Text(chromedp.CSS(`p.notice`)))
	if who != "stampfan2026" || !strings.Contains(notice, "Stamp OnNet") {
		t.Errorf("after upgrading: signed in as %q, notice %q", who, notice)
	}
	// The old password stays the password.
	if _, err := a.Accounts.SignIn(context.Background(), "stampfan2026", "first-day-covers", clientFor()); err != nil {
		t.Errorf("old password does not sign in to the new ID: %v", err)
	}
}
