#!/usr/bin/env bash
# Installs the programs that read scans and old office files, when missing (Debian/Ubuntu, apt):
#   tesseract-ocr + tesseract-ocr-vie (OCR of scanned PDF pages), poppler-utils (pdftoppm renders the pages),
#   libreoffice-writer-nogui (.doc/.odt/.rtf), fonts-dejavu-core (the font the OCR tests set plans in).
# Without apt it says what to install and goes on: those formats are then refused with that hint.
set -euo pipefail
need=()
if ! command -v tesseract >/dev/null 2>&1; then need+=(tesseract-ocr tesseract-ocr-vie)
elif ! tesseract --list-langs 2>/dev/null | grep -qx vie; then need+=(tesseract-ocr-vie); fi
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || need+=(fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "!! apt-get not found: install ${need[*]} with your system's package manager to read scanned PDFs and" \
       ".doc/.odt/.rtf files; until then such files are refused with this hint." >&2
  exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo ">> installing ${need[*]} (apt)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
