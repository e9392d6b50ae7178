/*
 * mosh-server firewall BACKEND [options]: firewall rules from the
 * effective config (the same layers and flags as `mosh-server config`),
 * admitting only the configured UDP port range, on the configured
 * interface, from the allowed sources. The build runs it on
 * etc/tsmosh.conf to make the files the packages ship.
 */
#ifndef TSMOSH_SERVER_FIREWALL_H
#define TSMOSH_SERVER_FIREWALL_H

#include <stdio.h>

#include "server/config.h"

/* argv[0] is the backend; returns the exit status (2: usage). */
int	cmd_firewall(int argc, char **argv);

/* BACKEND's rules for the settings c, to out: 0; -1 for no such
 * backend (nothing written); 1 when writing failed. */
int	firewall_write(FILE *out, const char *backend, const struct config *c);

#endif
