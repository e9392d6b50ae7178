/*
 * The user's side of session management: mosh-server list, kill,
 * attach, share and kick talk to each live server of this user over its
 * control socket.
 */
#ifndef TSMOSH_SERVER_SESSIONS_H
#define TSMOSH_SERVER_SESSIONS_H

int	cmd_list(int argc, char **argv);
int	cmd_kill(int argc, char **argv);
int	cmd_attach(int argc, char **argv);
int	cmd_share(int argc, char **argv);
int	cmd_kick(int argc, char **argv);

/*
 * For `new --reattach`: attach to a detached session running `command`
 * (printing MOSH CONNECT). 0 when it did; -1 when there is none.
 */
int	sessions_reattach(const char *command);

#endif
