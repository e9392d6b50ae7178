/*
 * mosh-server doctor [options]: one line per check of what a session
 * needs (interface, free ports, firewall, fail2ban, locale, process
 * limit, config), each OK, WARN or FAIL with what to do. Exits 0 when
 * nothing FAILs.
 */
#ifndef TSMOSH_SERVER_DOCTOR_H
#define TSMOSH_SERVER_DOCTOR_H

int	cmd_doctor(int argc, char **argv);

#endif
