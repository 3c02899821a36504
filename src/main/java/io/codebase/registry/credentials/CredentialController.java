package io.codebase.registry.credentials;

import java.net.URI;

import io.codebase.registry.problem.ProblemResponses;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectParameter;
import io.codebase.registry.project.ProjectView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = ProjectParameter.PATH + "/credentials", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Credentials", description = "Short-lived PostgreSQL logins for one project's database.")
class CredentialController {

	private final ProjectLookup lookup;

	private final Credentials credentials;

	CredentialController(ProjectLookup lookup, Credentials credentials) {
		this.lookup = lookup;
		this.credentials = credentials;
	}

	@PostMapping
	@Operation(operationId = "createCredential", summary = "Issue a short-lived login for a project's database",
			description = "Creates a PostgreSQL login on the project's server with a random password, valid until now + "
					+ "ttlSeconds (registry.credentials.default-ttl when left out, at most registry.credentials.max-ttl). "
					+ "Admin callers get READ_WRITE, reader callers READ_ONLY. The password is in this answer only. "
					+ "The login can connect to this project's database and no other.")
	@ApiResponse(responseCode = "201", description = "Created; the password is shown only here.",
			headers = @Header(name = "Location", description = "URL that revokes the credential (DELETE)",
					schema = @Schema(type = "string")))
	@ProblemResponses({ 404, 409, 413, 502 })
	ResponseEntity<Credential> create(
			@Parameter(description = ProjectParameter.DESCRIPTION, example = ProjectParameter.EXAMPLE) @PathVariable String project,
			@RequestBody(required = false) CredentialRequest request) {
		var ttl = this.credentials.ttl((request != null) ? request.ttlSeconds() : null);
		ProjectView found = this.lookup.committed().get(project);
		Credential credential = this.credentials.issue(found, ttl);
		return ResponseEntity.created(URI.create("/api/v1/projects/" + found.id() + "/credentials/" + credential.name()))
			.body(credential);
	}

	@DeleteMapping(path = "/{name}", produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	@Operation(operationId = "revokeCredential", summary = "Revoke a credential before it expires",
			description = "Ends the login's sessions and drops its role.")
	@ApiResponse(responseCode = "204", description = "Revoked; the login is gone.")
	@ProblemResponses({ 404, 502 })
	ResponseEntity<Void> revoke(
			@Parameter(description = ProjectParameter.DESCRIPTION, example = ProjectParameter.EXAMPLE) @PathVariable String project,
			@Parameter(description = "The credential's name, as its creation answered it.",
					example = "cb_proj_cred_3f6c1a52_k3v9q0x7m2pa") @PathVariable String name) {
		this.credentials.revoke(this.lookup.committed().get(project), name);
		return ResponseEntity.noContent().build();
	}

}
