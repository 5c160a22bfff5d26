#!/usr/bin/env bash
# A SIP phone for trying `cpark serve` by hand: baresip (Debian baresip-core) configured
# to register USER with the server and to take commands typed in this terminal.
#   scripts/phone.sh USER [SERVER]       SERVER defaults to 127.0.0.1:5060
# It plays a 440 Hz tone as its microphone, sends what it hears to the sound card when
# ALSA has one, and always records every call's received audio as WAV in
# results/phones/USER/ (play it afterwards: that is where the music on hold is heard on a
# machine without speakers). Type `/dial sip:bob@127.0.0.1`, `/accept`,
# `/transfer sip:park@127.0.0.1` (park by blind transfer), `/hangup`, `/quit`.
set -euo pipefail
user=${1:?usage: scripts/phone.sh USER [SERVER]}
server=${2:-127.0.0.1:5060}
command -v baresip >/dev/null || { echo "phone.sh: baresip is not installed (scripts/install-deps.sh installs it)" >&2; exit 1; }
dir=$(cd "$(dirname "$0")/.." && pwd)/results/phones/$user
mkdir -p "$dir"
# A free SIP port for this phone (and the TLS one above it, which baresip also binds).
bound() { grep -qi "$(printf ':%04X ' "$1")" /proc/net/udp /proc/net/udp6 /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
port=$((5070 + 2 * ($(cksum <<<"$user" | cut -d' ' -f1) % 400)))  # each user its own by default
while bound "$port" || bound $((port + 1)); do port=$((port + 2)); done
player="aubridge,nil"
[[ -e /dev/snd/controlC0 ]] && player="alsa,default"
cat >"$dir/config" <<CONF
poll_method		epoll
sip_listen		127.0.0.1:$port
audio_source		ausine,440
audio_player		$player
audio_alert		aubridge,nil
ausrc_srate		48000
ausrc_channels		2
rtp_ports		30000-39999
rtcp_mux		no
net_interface		127.0.0.1
snd_path		$dir
module_path		/usr/lib/baresip/modules
module			stdio.so
module			g711.so
module			ausine.so
module			aubridge.so
module			alsa.so
module			sndfile.so
module_tmp		uuid.so
module_tmp		account.so
module_app		menu.so
CONF
host=${server%:*}
echo "<sip:$user@$host>;outbound=\"sip:$server\";regint=600;audio_codecs=PCMU" >"$dir/accounts"
echo "phone.sh: $user on 127.0.0.1:$port, registering with $server; recordings in $dir"
HOME="$dir" exec baresip -f "$dir"
