package io.codebase.registry.provisioning;

/** A CREATE or DROP DATABASE that did not happen; the message names the database and the server's reason. */
public class ProvisioningException extends RuntimeException {

	ProvisioningException(String message, Throwable cause) {
		super(message, cause);
	}

}
