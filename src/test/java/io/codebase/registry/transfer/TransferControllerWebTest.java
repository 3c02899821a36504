package io.codebase.registry.transfer;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.codebase.registry.support.ControllerTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static io.codebase.registry.support.Problems.isProblem;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The HTTP mapping of import and export alone: parameters, the streamed attachment and the error mapping, with
 * the services mocked. Importing real files into PostgreSQL is {@link ImportExportTest}'s.
 */
@ControllerTest(TransferController.class)
class TransferControllerWebTest {

	private static final String FILE = "{\"version\": \"1.0\", \"projects\": {}}";

	@Autowired
	MockMvc mvc;

	@MockitoBean
	ImportService imports;

	@MockitoBean
	ExportService exports;

	@Test
	void theFileAndEveryParameterReachTheImportAsSent() throws Exception {
		ImportReport report = new ImportReport("codebase-gardener", List.of(), List.of(), List.of(), List.of(), null);
		given(this.imports.importFile(FILE, ImportService.OnConflict.SKIP, true, "mcp-7f3a")).willReturn(report);
		// The defaults get a report too: an empty 200 is not an answer the API has.
		given(this.imports.importFile(FILE, ImportService.OnConflict.FAIL, false, null)).willReturn(report);

		this.mvc.perform(post("/api/v1/imports?onConflict=SKIP&normalizeNames=true&session=mcp-7f3a")
				.contentType(MediaType.APPLICATION_JSON).content(FILE))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.format").value("codebase-gardener"));
		this.mvc.perform(post("/api/v1/imports").contentType(MediaType.APPLICATION_JSON).content(FILE))
			.andExpect(status().isOk());
		verify(this.imports).importFile(FILE, ImportService.OnConflict.FAIL, false, null);
	}

	@Test
	void badParametersAndBodiesNeverReachTheImport() throws Exception {
		this.mvc.perform(post("/api/v1/imports?onConflict=MAYBE").contentType(MediaType.APPLICATION_JSON)
			.content(FILE)).andExpect(isProblem(400))
			.andExpect(jsonPath("$.type").value("urn:project-registry:problem:invalid-request"));
		this.mvc.perform(post("/api/v1/imports?normalizeNames=perhaps")
			.contentType(MediaType.APPLICATION_JSON).content(FILE)).andExpect(isProblem(400));
		this.mvc.perform(post("/api/v1/imports").contentType(MediaType.APPLICATION_JSON)).andExpect(isProblem(400));
		this.mvc.perform(post("/api/v1/imports").contentType(MediaType.TEXT_PLAIN).content(FILE)).andExpect(isProblem(415));
		verifyNoInteractions(this.imports);
	}

	@Test
	void refusedImportsBecomeProblemsListingEveryEntry() throws Exception {
		ImportProblem bad = new ImportProblem("e02fd0e4-00fd-490a-bd5a-3e5b0d8a8a1b", "training_status", "not a status");
		given(this.imports.importFile("{\"invalid\": 1}", ImportService.OnConflict.FAIL, false, null))
			.willThrow(new InvalidImportException("1 entry is invalid", List.of(bad)));
		given(this.imports.importFile("{\"clash\": 1}", ImportService.OnConflict.FAIL, false, null))
			.willThrow(new ImportConflictException(List.of(bad)));

		this.mvc.perform(post("/api/v1/imports").contentType(MediaType.APPLICATION_JSON)
			.content("{\"invalid\": 1}")).andExpect(isProblem(422))
			.andExpect(jsonPath("$.type").value("urn:project-registry:problem:invalid-import"))
			.andExpect(jsonPath("$.errors[0].field").value("training_status"));
		this.mvc.perform(post("/api/v1/imports").contentType(MediaType.APPLICATION_JSON)
			.content("{\"clash\": 1}")).andExpect(isProblem(409))
			.andExpect(jsonPath("$.type").value("urn:project-registry:problem:import-conflict"))
			.andExpect(jsonPath("$.conflicts[0].entry").value("e02fd0e4-00fd-490a-bd5a-3e5b0d8a8a1b"));
	}

	@Test
	void theExportIsStreamedAsAJsonAttachment() throws Exception {
		willAnswer(invocation -> {
			invocation.<OutputStream>getArgument(0).write("{\"projects\": []}".getBytes(StandardCharsets.UTF_8));
			return null;
		}).given(this.exports).export(any());

		MvcResult started = this.mvc.perform(get("/api/v1/exports")).andExpect(request().asyncStarted()).andReturn();

		this.mvc.perform(asyncDispatch(started))
			.andExpect(status().isOk())
			.andExpect(header().string("Content-Disposition", "attachment; filename=\"project-registry-export.json\""))
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
			.andExpect(content().json("{\"projects\": []}"));
	}


}
