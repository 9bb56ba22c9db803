package main

import (
	"fmt"
	"regexp"
	"strings"
)

// frameSource matches one CSP source allowed in frame-ancestors: 'self', a
// scheme such as https:, or a host source such as https://*.example.com:8443.
// It leaves out ';' and ',', which would end the directive or the policy.
var frameSource = regexp.MustCompile(`^('self'|https?:|(https?://)?(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:([0-9]+|\*))?(/[A-Za-z0-9._~/-]*)?)$`)

// checkFrameAncestors returns an error naming the first source of list that
// cannot be a frame-ancestors source.
func checkFrameAncestors(list string) error {
	sources := strings.Fields(list)
	if len(sources) == 0 {
		return fmt.Errorf("invalid frame ancestors %q: use 'none' or a space-separated list of sources such as https://dash.example.com", list)
	}
	if len(sources) == 1 && sources[0] == "'none'" {
		return nil
	}
	for _, src := range sources {
		if !frameSource.MatchString(src) {
			return fmt.Errorf("invalid frame ancestors source %q: use 'self', a scheme such as https:, or a host source such as https://dash.example.com; 'none' cannot be combined with others", src)
		}
	}
	return nil
}
