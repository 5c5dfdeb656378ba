// A web app that asks linkgate who the user is: Go's standard library only, no proxy.
// (A sketch for reading; the tests run the Python example, not this one.)
//
//	LINKGATE_URL=http://127.0.0.1:3000/api/auth go run main.go
//
// For each request it forwards the browser's cookies to linkgate's /api/auth/verify: 200 names
// the user in X-Auth-User-Id, X-Auth-Email and X-Auth-Name; 401 carries the sign-in page in
// Location. linkgate needs this app's host in LINKGATE_REDIRECT_HOSTS and its address in
// LINKGATE_TRUSTED_PROXIES (for X-Original-URL); see docs/gateway.md.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"time"
)

var linkgate = getenv("LINKGATE_URL", "http://127.0.0.1:3000/api/auth")

// Follows no redirects: a 401's Location is for the browser.
var client = &http.Client{
	Timeout:       5 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func getenv(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// requireUser answers for linkgate: the sign-in page, a refusal, or the handler with the user.
func requireUser(next func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		check, _ := http.NewRequest("GET", linkgate+"/verify", nil)
		check.Header.Set("Cookie", r.Header.Get("Cookie"))
		check.Header.Set("X-Original-URL", "http://"+r.Host+r.URL.RequestURI())
		res, err := client.Do(check)
		if err != nil {
			http.Error(w, "cannot tell who you are now", http.StatusServiceUnavailable)
			return
		}
		res.Body.Close()
		switch res.StatusCode {
		case http.StatusOK:
			// A session the check renewed: hand its cookie on.
			for _, c := range res.Header.Values("Set-Cookie") {
				w.Header().Add("Set-Cookie", c)
			}
			next(w, r, res.Header.Get("X-Auth-Email"))
		case http.StatusUnauthorized:
			http.Redirect(w, r, res.Header.Get("Location"), http.StatusFound)
		default:
			http.Error(w, "forbidden", http.StatusForbidden)
		}
	}
}

func main() {
	http.HandleFunc("/", requireUser(func(w http.ResponseWriter, r *http.Request, email string) {
		fmt.Fprintf(w, "Hello, %s\n", email)
	}))
	log.Fatal(http.ListenAndServe("127.0.0.1:"+getenv("PORT", "8000"), nil))
}
