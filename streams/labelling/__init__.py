"""``snowball label``: a local web page to label a team's own mentions, least-confident first."""
