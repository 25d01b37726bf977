#!/usr/bin/env bash
# Regenerates all_staff_marketing/i18n/all_staff_marketing.pot from a database where
# the addon is installed (default: the test DB of the last `make test`), and merges it
# into zh_CN.po (new terms appear untranslated, obsolete ones are dropped).
# I18N_COMPENDIUM="x.po y.po" fills new terms from other catalogues (gettext compendia).
source "$(dirname "$0")/lib.sh"
setup_all
DB="${I18N_DB:-${TEST_DB:-asm_test}}"
I18N="$REPO/all_staff_marketing/i18n"
OLD=$(mktemp -d)
cp "$I18N/zh_CN.po" "$I18N/all_staff_marketing.pot" "$OLD/"
odoo_cli -c "$ODOO_CONF" -d "$DB" --i18n-export="$I18N/all_staff_marketing.pot" \
  --modules=all_staff_marketing --stop-after-init --log-level=warn
# I18N_COMPENDIUM="a.po b.po": extra translations (gettext compendia) for new terms
COMPENDIA=()
for c in ${I18N_COMPENDIUM:-}; do COMPENDIA+=("--compendium=$c"); done
msgmerge --quiet --update --no-fuzzy-matching --backup=none "${COMPENDIA[@]}" "$I18N/zh_CN.po" "$I18N/all_staff_marketing.pot"
msgattrib --no-obsolete -o "$I18N/zh_CN.po" "$I18N/zh_CN.po"
# the test DB has no demo data: keep the translations of demo records
for f in zh_CN.po all_staff_marketing.pot; do
  "$PYTHON" "$REPO/scripts/i18n_keep_demo.py" "$OLD/$f" "$I18N/$f"
  msgcat -o "$I18N/$f.tmp" "$I18N/$f" && mv "$I18N/$f.tmp" "$I18N/$f"
done
rm -rf "$OLD"
msgfmt --check-format -o /dev/null "$I18N/zh_CN.po"
echo "untranslated: $(msgattrib --untranslated "$I18N/zh_CN.po" | grep -c '^msgid ' || true)"
