#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-po.sh SOURCE_ROOT STRICT(true|false) [LANG...]
#
# Extracts a fresh template from po/POTFILES.in (the same xgettext keywords as
# meson's "glib" preset), merges each language's catalogue into it in a
# temporary directory (the source tree is not touched) and checks it with
# msgfmt --check. Errors in a catalogue always fail. Untranslated or fuzzy
# strings fail when STRICT is true (meson option -Dstrict_po=true, or
# ICTO_PO_STRICT=1 in the environment); otherwise the test reports them and
# exits 77 (skipped) so that the suite stays usable while strings settle.
# Languages default to those in po/LINGUAS.
set -euo pipefail

srcroot=${1:?usage: check-po.sh SOURCE_ROOT STRICT [LANG...]}
strict=${2:?usage: check-po.sh SOURCE_ROOT STRICT [LANG...]}
shift 2
[ "${ICTO_PO_STRICT:-0}" = 1 ] && strict=true

podir=$srcroot/po
if [ $# -gt 0 ]; then
  langs=("$@")
else
  mapfile -t langs < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$podir/LINGUAS" | tr -s ' \t' '\n' | sed '/^$/d')
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ictoscope-po.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Files listed in POTFILES.in (comments and blank lines dropped).
sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$podir/POTFILES.in" > "$tmp/POTFILES"
missing=0
while IFS= read -r f; do
  if [ ! -f "$srcroot/$f" ]; then echo "FAIL: POTFILES.in lists $f, which does not exist" >&2; missing=1; fi
done < "$tmp/POTFILES"
[ $missing = 0 ] || exit 1

(cd "$srcroot" && xgettext --package-name=ictoscope --files-from="$tmp/POTFILES" \
   --output="$tmp/ictoscope.pot" --from-code=UTF-8 --add-comments \
   --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
   --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
   --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
   --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
   --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
   --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
   --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
   --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
   --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format)
# A format macro inside _() ("%" G_GSIZE_FORMAT) cuts the message at the
# '%': the rest can never be translated.  Use %zu, %lld with a cast, etc.
cut=$(msgcat --no-wrap "$tmp/ictoscope.pot" | grep -E '^msgid(_plural)? ".*[^%]%"$' || true)
if [ -n "$cut" ]; then
  echo "FAIL: messages cut at a format macro inside _(): write the conversion out (%zu, %lld...):" >&2
  echo "$cut" >&2
  exit 1
fi

total=$(msgattrib --no-obsolete "$tmp/ictoscope.pot" | grep -c '^msgid ' || true)
total=$((total - 1)) # the header
echo "template: $total strings from $(wc -l < "$tmp/POTFILES") files"

fail=0
incomplete=0
for lang in "${langs[@]}"; do
  po=$podir/$lang.po
  if [ ! -f "$po" ]; then
    echo "FAIL: $lang: $po does not exist" >&2; fail=1; continue
  fi
  # The catalogue as committed must be valid on its own.
  if ! msgfmt --check -o /dev/null "$po"; then
    echo "FAIL: $lang: msgfmt --check rejects $po" >&2; fail=1; continue
  fi
  msgmerge --quiet --previous "$po" "$tmp/ictoscope.pot" -o "$tmp/$lang.po"
  if ! stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1); then
    echo "FAIL: $lang: msgfmt --check rejects the merged catalogue:" >&2
    echo "$stats" >&2; fail=1; continue
  fi
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$tmp/$lang.po" | grep -c '^msgid ' || true)
  untranslated=$(msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep -c '^msgid ' || true)
  # msgattrib keeps the header entry in its output when there is anything to print.
  [ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
  [ "$untranslated" -gt 0 ] && untranslated=$((untranslated - 1))
  echo "$lang: $stats"
  if [ "$fuzzy" -gt 0 ] || [ "$untranslated" -gt 0 ]; then
    incomplete=1
    echo "$lang: $untranslated untranslated, $fuzzy fuzzy; first of them:"
    msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | msgcat --no-wrap - 2>/dev/null |
      sed -n 's/^msgid "\(..*\)"$/  untranslated: \1/p' | head -n 10 || true
    msgattrib --only-fuzzy --no-obsolete "$tmp/$lang.po" | msgcat --no-wrap - 2>/dev/null |
      sed -n 's/^msgid "\(..*\)"$/  fuzzy: \1/p' | head -n 10 || true
  fi
done

[ $fail = 0 ] || exit 1
if [ $incomplete = 1 ]; then
  if [ "$strict" = true ]; then
    echo "FAIL: translations incomplete (update with: meson compile ictoscope-update-po)" >&2
    exit 1
  fi
  echo "SKIP: translations incomplete; not strict (-Dstrict_po=false and ICTO_PO_STRICT unset)"
  exit 77
fi
echo "ok: every string translated in ${langs[*]}"
