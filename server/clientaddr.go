package main

import (
	"net"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/realclientip/realclientip-go"
)

// clientAddresses finds the address a request came from, for the limits
// per address and for logs.
//
// Behind a reverse proxy every request comes from the proxy. Only when the
// peer is one of the trusted proxies does the client address come from
// X-Forwarded-For, and then it is the rightmost entry that is not a trusted
// proxy. Entries to the left of it were written by the client itself, so a
// client could otherwise pick a new address for every request and escape
// every limit.
type clientAddresses struct {
	trusted []net.IPNet
	forward realclientip.RightmostTrustedRangeStrategy
}

func newClientAddresses(trusted []net.IPNet) *clientAddresses {
	forward, err := realclientip.NewRightmostTrustedRangeStrategy(fiber.HeaderXForwardedFor, trusted)
	if err != nil {
		// The strategy rejects only header names other than X-Forwarded-For
		// and Forwarded, and the name here is a constant.
		panic(err)
	}
	return &clientAddresses{trusted: trusted, forward: forward}
}

// of returns the client address of the request. It falls back to the peer
// address when a trusted proxy sent no usable X-Forwarded-For entry, so
// such requests share the proxy's budget rather than escape the limits.
func (a *clientAddresses) of(c *fiber.Ctx) string {
	peer := c.Context().RemoteIP()
	if !a.isTrusted(peer) {
		return peer.String()
	}
	values := c.Context().Request.Header.PeekAll(fiber.HeaderXForwardedFor)
	if len(values) == 0 {
		return peer.String()
	}
	header := http.Header{}
	for _, v := range values {
		header.Add(fiber.HeaderXForwardedFor, string(v))
	}
	if ip := a.forward.ClientIP(header, ""); ip != "" {
		return ip
	}
	return peer.String()
}

func (a *clientAddresses) isTrusted(ip net.IP) bool {
	for _, n := range a.trusted {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}
