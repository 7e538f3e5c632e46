package dev.apiguard.keycloak.ratelimit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

/**
 * IP address literals: parsed without name resolution, aggregated to the prefix a rule counts by
 * (IPv4 /24, IPv6 /64) and matched against allow-list CIDR blocks.
 */
final class Addresses {

    private Addresses() {}

    /** A CIDR block: the network's bytes (4 or 16) and the prefix length. */
    record Cidr(byte[] network, int prefix) {

        boolean contains(byte[] address) {
            if (address == null || address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int bits = prefix % 8;
            if (bits == 0) {
                return true;
            }
            int mask = (0xff << (8 - bits)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    /**
     * Parses {@code "192.0.2.0/24"}, {@code "2001:db8::/32"} or a single address; {@code null}
     * with the reason in {@code problem[0]} when it is not one.
     */
    static Cidr cidr(String text, String[] problem) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = parse(address);
        if (bytes == null) {
            problem[0] = "\"" + text + "\" is not an IPv4 or IPv6 address or CIDR block";
            return null;
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                problem[0] = "\"" + text + "\": the prefix length must be 0 to " + max;
                return null;
            }
        }
        return new Cidr(bytes, prefix);
    }

    /** The bytes of an IPv4 or IPv6 literal, or {@code null}; never a DNS lookup. */
    static byte[] parse(String literal) {
        if (literal == null || literal.isEmpty()) {
            return null;
        }
        if (literal.indexOf(':') < 0) {
            return ipv4(literal);
        }
        String text =
                literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1) : literal;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok =
                    c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                // Not a literal (zone ids and host names included): InetAddress would resolve it.
                return null;
            }
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            // A colon-and-hex string that is no IPv6 literal.
            return null;
        }
    }

    private static byte[] ipv4(String text) {
        byte[] bytes = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i <= text.length(); i++) {
            char c = i == text.length() ? '.' : text.charAt(i);
            if (c == '.') {
                if (value < 0 || part > 3) {
                    return null;
                }
                bytes[part++] = (byte) value;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                value = value < 0 ? c - '0' : value * 10 + (c - '0');
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? bytes : null;
    }

    /**
     * The bucket key of an address: {@code "192.0.2.0/24"} for IPv4, {@code "2001:db8:0:1::/64"}
     * style (hex of the first 8 bytes) for IPv6; an unparsable address counts as itself.
     */
    static String aggregate(String literal, byte[] bytes) {
        if (bytes == null) {
            return literal;
        }
        if (bytes.length == 4) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + ".0/24";
        }
        if (bytes.length == 16) {
            return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
        }
        return literal;
    }
}
